package com.emailgistics.webhooks.e2e;

import static com.emailgistics.webhooks.e2e.support.Manifests.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.AvailableWebhook;
import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookTestResult;
import com.emailgistics.webhooks.e2e.support.Await;
import com.emailgistics.webhooks.e2e.support.E2eCluster;
import com.emailgistics.webhooks.e2e.support.E2eClusterExtension;
import com.emailgistics.webhooks.e2e.support.InProcessOperator;
import com.emailgistics.webhooks.e2e.support.Manifests;
import com.emailgistics.webhooks.e2e.support.Receiver;
import com.emailgistics.webhooks.e2e.support.Scenario;
import com.emailgistics.webhooks.reconciler.webhook.WebhookReconciler;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator in its production configuration, in-process, on a real API server: status written by
 * server-side apply, leader election on, webhooks feature on, a real HTTPS receiver behind a
 * private CA (caBundleRef). Secret, Webhook, Mailbox and MailboxRule converge, the test delivery
 * succeeds, and a plain Secret update (stringData) is picked up by the next delivery.
 */
@ExtendWith(E2eClusterExtension.class)
class ProductionFlowE2ETest {
  /** The exact text users see for the receiver's answer (one tag action named "Mark VIP"). */
  private static final String SUCCESS_MESSAGE = Scenario.Bodies.SUCCESS_MESSAGE;

  private static final String TOKEN = "Initial-t0ken!for-e2e-tests";
  private static final String ROTATED_TOKEN = "Rotated-t0ken!for-e2e-tests";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KubernetesClient client;
  private static HttpsEndpoint receiver;
  private static String adminNs;
  private static String teamNs;
  private static String leaseNs;

  @BeforeAll
  static void startOperator(E2eCluster cluster) throws Exception {
    client = cluster.admin();
    adminNs = cluster.createNamespace("flow-admin");
    teamNs = cluster.createNamespace("flow-team");
    leaseNs = cluster.createNamespace("flow-operator");
    receiver = new HttpsEndpoint();
    receiver.respond(200, Scenario.Bodies.SUCCESS);
    // The operator gets its own client, as in production (OperatorMain builds one from the
    // environment).
    KubernetesClient operatorClient =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(cluster.kubeConfigYaml()))
            .build();
    InProcessOperator.start(
        operatorClient,
        Map.of(
            "EMAILGISTICS_WEBHOOKS_ENABLED", "true",
            "EMAILGISTICS_WEBHOOK_NAMESPACES", adminNs,
            "EMAILGISTICS_MAILBOX_NAMESPACES", teamNs,
            "EMAILGISTICS_LEADER_ELECTION_NAMESPACE", leaseNs));
  }

  @AfterAll
  static void closeReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  /**
   * Created in the order least favourable to the operator (rule first, Secrets last), each step
   * reports the missing piece, and the whole converges to Ready with a successful test delivery.
   */
  @Test
  void fullFlowConvergesAndTheTestDeliverySucceeds() throws Exception {
    String path = "/hooks/claims-crm";
    NamespacedReference webhookRef = ref(adminNs, "claims-crm");

    client
        .resource(Manifests.useWebhookRule(teamNs, "enrich-claims", "claims", webhookRef))
        .create();
    Await.condition(
        client, MailboxRule.class, teamNs, "enrich-claims", "Ready", "False", "MailboxNotFound");

    client.resource(Resources.mailbox(teamNs, "claims")).create();
    MailboxRule rule =
        Await.condition(
            client,
            MailboxRule.class,
            teamNs,
            "enrich-claims",
            "Ready",
            "False",
            "WebhookNotAvailable");
    assertThat(Await.condition(rule, "Ready").orElseThrow().getMessage())
        .isEqualTo(
            "Webhook "
                + adminNs
                + "/claims-crm"
                + " does not exist or does not list Mailbox "
                + teamNs
                + "/claims in spec.mailboxes; the Mailbox's"
                + " status.availableWebhooks shows the webhooks it may use");

    Webhook webhook =
        Manifests.webhook(
            adminNs,
            "claims-crm",
            receiver.url(path),
            "claims-crm-token",
            "claims-crm-ca",
            ref(teamNs, "claims"));
    webhook.getSpec().setDisplayName("Claims CRM");
    webhook.getSpec().setIncludeMessageText(true);
    client.resource(webhook).create();
    Webhook waiting =
        Await.condition(
            client, Webhook.class, adminNs, "claims-crm", "Ready", "False", "SecretNotFound");
    assertThat(Await.condition(waiting, "Ready").orElseThrow().getMessage())
        .isEqualTo(
            "secretRef: Secret \"claims-crm-token\" does not exist in this namespace or lacks the label the operator"
                + " reads Secrets by (webhooks.emailgistics.com/secret=true unless the operator's"
                + " EMAILGISTICS_SECRET_LABEL_SELECTOR says otherwise)");
    assertThat(Receiver.count(receiver, path)).as("no test before the webhook is ready").isZero();

    client
        .resource(
            Manifests.stringSecret(
                adminNs, "claims-crm-ca", Map.of(Manifests.CA_KEY, receiver.caPem())))
        .create();
    client
        .resource(
            Manifests.stringSecret(adminNs, "claims-crm-token", Map.of(Manifests.TOKEN_KEY, TOKEN)))
        .create();

    Webhook tested =
        Await.condition(
            client,
            Webhook.class,
            adminNs,
            "claims-crm",
            "TestSucceeded",
            c -> "True".equals(c.getStatus()));
    StatusCondition testSucceeded = Await.condition(tested, "TestSucceeded").orElseThrow();
    assertThat(testSucceeded.getReason()).isEqualTo("TestSucceeded");
    assertThat(testSucceeded.getMessage()).isEqualTo(SUCCESS_MESSAGE);
    assertThat(testSucceeded.getObservedGeneration()).isEqualTo(1L);
    assertThat(Await.condition(tested, "Ready").orElseThrow())
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("True", "Ready");
    assertThat(Await.condition(tested, "SecretStrong").orElseThrow().getStatus()).isEqualTo("True");
    WebhookTestResult lastTest = tested.getStatus().getLastTest();
    assertThat(lastTest.getOutcome()).isEqualTo("Succeeded");
    assertThat(lastTest.getHttpStatus()).isEqualTo(200);
    assertThat(lastTest.getActions()).isEqualTo("1 action: tag \"Mark VIP\"");
    assertThat(tested.getStatus().getObservedGeneration()).isEqualTo(1L);

    // What the receiver got: one POST over TLS 1.2+, the bearer from the Secret, the canned
    // payload.
    List<RecordedRequest> requests = Receiver.requests(receiver, path);
    assertThat(requests).hasSize(1);
    RecordedRequest request = requests.get(0);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(request.getHandshake().tlsVersion().javaName()).isIn("TLSv1.2", "TLSv1.3");
    JsonNode payload = JSON.readTree(request.getBody().utf8());
    assertThat(payload.get("event").asText()).isEqualTo("received");
    assertThat(payload.get("id").asText()).startsWith("sample-");
    assertThat(payload.has("bodyText")).as("includeMessageText").isTrue();
    assertThat(payload.has("customFields")).as("includeCustomFields is off").isFalse();

    // The mailbox lists the webhook for its administrators; the rule is ready.
    Mailbox mailbox =
        Await.object(
            client,
            Mailbox.class,
            teamNs,
            "claims",
            m -> m.getStatus() != null && m.getStatus().getAvailableWebhooks().size() == 1,
            "Mailbox lists the webhook");
    AvailableWebhook available = mailbox.getStatus().getAvailableWebhooks().get(0);
    assertThat(available.getDisplayName()).isEqualTo("Claims CRM");
    assertThat(available.getWebhook()).isEqualTo(webhookRef);
    assertThat(mailbox.getStatus().getAvailableWebhookCount()).isEqualTo(1);
    assertThat(Await.condition(mailbox, "Ready").orElseThrow().getStatus()).isEqualTo("True");
    MailboxRule ready =
        Await.condition(
            client, MailboxRule.class, teamNs, "enrich-claims", "Ready", "True", "Ready");
    assertThat(Await.condition(ready, "Ready").orElseThrow().getMessage())
        .isEqualTo("The rule is valid and its webhooks may be used by its mailbox.");

    // kubectl describe shows the test as a Normal event.
    List<Event> events =
        Await.until(
            "TestSucceeded event",
            () ->
                client.v1().events().inNamespace(adminNs).list().getItems().stream()
                    .filter(e -> "claims-crm".equals(e.getInvolvedObject().getName()))
                    .filter(e -> "TestSucceeded".equals(e.getReason()))
                    .toList(),
            list -> !list.isEmpty());
    assertThat(events.get(0).getType()).isEqualTo("Normal");
    assertThat(events.get(0).getMessage()).doesNotContain(TOKEN);

    // Settled: nothing more is delivered without a new trigger.
    Thread.sleep(2000);
    assertThat(Receiver.count(receiver, path)).isEqualTo(1);
  }

  /**
   * A plain Secret update (stringData, as `kubectl apply` of a Secret manifest) re-tests at once.
   */
  @Test
  void secretRotationIsPickedUpByTheNextTestDelivery() throws Exception {
    String path = "/hooks/rotation";
    createWebhook("rotation", receiver, path);
    Webhook first =
        Await.condition(
            client,
            Webhook.class,
            adminNs,
            "rotation",
            "TestSucceeded",
            c -> "True".equals(c.getStatus()));
    assertThat(Receiver.requests(receiver, path))
        .extracting(Receiver::bearer)
        .containsExactly(TOKEN);

    client
        .resource(
            Manifests.stringSecret(
                adminNs, "rotation-token", Map.of(Manifests.TOKEN_KEY, ROTATED_TOKEN)))
        .update();

    Webhook second =
        Await.object(
            client,
            Webhook.class,
            adminNs,
            "rotation",
            w ->
                w.getStatus() != null
                    && w.getStatus().getLastTest() != null
                    && "SecretChanged".equals(w.getStatus().getLastTest().getTrigger()),
            "test delivery triggered by the Secret change");
    assertThat(Receiver.requests(receiver, path))
        .extracting(Receiver::bearer)
        .containsExactly(TOKEN, ROTATED_TOKEN);
    assertThat(second.getStatus().getLastTest().getOutcome()).isEqualTo("Succeeded");
    assertThat(second.getStatus().getLastTest().getFingerprint())
        .isNotEqualTo(first.getStatus().getLastTest().getFingerprint());
    assertThat(Await.condition(second, "TestSucceeded").orElseThrow().getMessage())
        .isEqualTo(SUCCESS_MESSAGE);
    assertThat(second.getMetadata().getGeneration())
        .as("the Webhook itself did not change")
        .isEqualTo(1L);
    Thread.sleep(2000);
    assertThat(Receiver.count(receiver, path)).as("one test per rotation").isEqualTo(2);
  }

  /**
   * A Webhook naming a Secret without the operator's label: the Secret is never read, its value
   * never sent.
   */
  @Test
  void anUnlabelledSecretIsNeitherReadNorSentUntilItIsLabelled() throws Exception {
    String path = "/hooks/unlabelled";
    String value = "do-not-send-Th1s!value";
    client
        .resource(
            Manifests.stringSecret(
                adminNs, "unlabelled-ca", Map.of(Manifests.CA_KEY, receiver.caPem())))
        .create();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(adminNs)
                .withName("not-for-webhooks")
                .endMetadata()
                .withStringData(Map.of(Manifests.TOKEN_KEY, value))
                .build())
        .create();
    client
        .resource(
            Manifests.webhook(
                adminNs, "unlabelled", receiver.url(path), "not-for-webhooks", "unlabelled-ca"))
        .create();

    Webhook webhook =
        Await.condition(
            client, Webhook.class, adminNs, "unlabelled", "Ready", "False", "SecretNotFound");
    assertThat(Await.condition(webhook, "Ready").orElseThrow().getMessage())
        .contains("\"not-for-webhooks\" does not exist in this namespace or lacks the label")
        .contains(Webhook.SECRET_LABEL + "=true");
    Thread.sleep(2000);
    assertThat(receiver.requests()).extracting(Receiver::bearer).doesNotContain(value);

    client
        .secrets()
        .inNamespace(adminNs)
        .withName("not-for-webhooks")
        .edit(
            secret -> {
              secret.getMetadata().setLabels(Map.of(Webhook.SECRET_LABEL, "true"));
              return secret;
            });
    Await.condition(
        client,
        Webhook.class,
        adminNs,
        "unlabelled",
        "TestSucceeded",
        c -> "True".equals(c.getStatus()));
    assertThat(Receiver.requests(receiver, path))
        .extracting(Receiver::bearer)
        .containsExactly(value);
  }

  /**
   * An endpoint's 1,000,000-character error message leaves a small status that names the failure.
   */
  @Test
  void aHugeEndpointMessageLeavesASmallStatusThatNamesTheFailure() throws Exception {
    try (HttpsEndpoint chatty = new HttpsEndpoint()) {
      chatty.respond(200, "{\"status\":\"error\",\"message\":\"" + "e".repeat(1_000_000) + "\"}");
      createWebhook("chatty", chatty, "/hooks/chatty");

      Webhook tested =
          Await.condition(
              client, Webhook.class, adminNs, "chatty", "TestSucceeded", "False", "EndpointError");

      assertThat(JSON.writeValueAsBytes(tested.getStatus()).length)
          .as("bytes of the status")
          .isLessThan(8 * 1024);
      assertThat(tested.getStatus().getLastTest().getOutcome()).isEqualTo("EndpointError");
      assertThat(tested.getStatus().getLastTest().getMessage())
          .startsWith("eeee")
          .endsWith("...")
          .hasSizeLessThan(1100);
    }
  }

  /**
   * A test result the API server refuses to store (here a ValidatingAdmissionPolicy refuses it, as
   * a too-large object or a failing admission webhook would) does not leave the previous outcome
   * presented as current: TestSucceeded turns Unknown and names the refusal.
   */
  @Test
  void aTestResultThatCannotBeRecordedIsReportedAsSuch(E2eCluster cluster) throws Exception {
    String marker = "unrecordable-result";
    String policy = "flow-refuse-" + marker;
    client
        .load(
            new ByteArrayInputStream(
                """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: %1$s}
            spec:
              failurePolicy: Fail
              matchConstraints:
                resourceRules:
                - apiGroups: [webhooks.emailgistics.com]
                  apiVersions: ["*"]
                  operations: [CREATE, UPDATE]
                  resources: [webhooks/status]
              validations:
              - expression: >-
                  !has(object.status) || !has(object.status.lastTest)
                  || !has(object.status.lastTest.message)
                  || !object.status.lastTest.message.contains('%2$s')
                message: this policy refuses test results that mention %2$s
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: %1$s}
            spec:
              policyName: %1$s
              validationActions: [Deny]
            """
                    .formatted(policy, marker)
                    .getBytes(StandardCharsets.UTF_8)))
        .serverSideApply();
    try (HttpsEndpoint refusing = new HttpsEndpoint()) {
      refusing.respond(200, "{\"status\":\"error\",\"message\":\"" + marker + "\"}");
      // The API server enforces the policy once it has loaded it: probe with dry runs until then.
      String probeNs = cluster.createNamespace("flow-probe");
      client.resource(Resources.webhook(probeNs, "probe", refusing.url("/probe"))).create();
      Await.until(
          "the policy to refuse a status that mentions " + marker,
          () -> refusedStatus(probeNs, marker),
          refused -> refused);

      createWebhook("refused", refusing, "/hooks/refused");

      Webhook webhook =
          Await.condition(
              client,
              Webhook.class,
              adminNs,
              "refused",
              "TestSucceeded",
              "Unknown",
              WebhookReconciler.TEST_RESULT_NOT_RECORDED);
      assertThat(Await.condition(webhook, "TestSucceeded").orElseThrow().getMessage())
          .startsWith("The test delivery (Initial) started at ")
          .contains("ended with EndpointError, but its result could not be recorded")
          .contains("this policy refuses test results that mention " + marker)
          .endsWith("lastTest does not show it. The operator retries.");
      assertThat(webhook.getStatus().getLastTest()).isNull();
      assertThat(Await.condition(webhook, "Ready").orElseThrow().getStatus()).isEqualTo("True");
      assertThat(Receiver.requests(refusing, "/hooks/refused")).hasSize(1);
    } finally {
      client
          .resources(ValidatingAdmissionPolicyBinding.class)
          .withName(policy)
          .withTimeout(30, TimeUnit.SECONDS)
          .delete();
      client
          .resources(ValidatingAdmissionPolicy.class)
          .withName(policy)
          .withTimeout(30, TimeUnit.SECONDS)
          .delete();
    }
  }

  /**
   * The Webhook {@code name} delivering to {@code path} of {@code endpoint}, with its Secrets
   * NAME-ca (the endpoint's CA) and NAME-token ({@link #TOKEN}).
   */
  private static void createWebhook(
      String name, HttpsEndpoint endpoint, String path, NamespacedReference... mailboxes) {
    client
        .resource(
            Manifests.stringSecret(
                adminNs, name + "-ca", Map.of(Manifests.CA_KEY, endpoint.caPem())))
        .create();
    client
        .resource(
            Manifests.stringSecret(adminNs, name + "-token", Map.of(Manifests.TOKEN_KEY, TOKEN)))
        .create();
    client
        .resource(
            Manifests.webhook(
                adminNs, name, endpoint.url(path), name + "-token", name + "-ca", mailboxes))
        .create();
  }

  /** Whether a dry-run status patch that mentions {@code marker} is refused. */
  private static boolean refusedStatus(String namespace, String marker) {
    try {
      client
          .resources(Webhook.class)
          .inNamespace(namespace)
          .withName("probe")
          .dryRun()
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"lastTest\":{\"message\":\"" + marker + "\"}}}");
      return false;
    } catch (KubernetesClientException refused) {
      return refused.getCode() == 403 || refused.getCode() == 422;
    }
  }

  /** Status is written by server-side apply: each controller's field manager owns its status. */
  @Test
  void statusIsWrittenByServerSideApplyAndOwnedByTheControllers() {
    String path = "/hooks/ssa";
    createWebhook("ssa", receiver, path, ref(teamNs, "ssa"));
    client.resource(Resources.mailbox(teamNs, "ssa")).create();
    client.resource(Manifests.useWebhookRule(teamNs, "ssa", "ssa", ref(adminNs, "ssa"))).create();
    Webhook webhook =
        Await.condition(
            client,
            Webhook.class,
            adminNs,
            "ssa",
            "TestSucceeded",
            c -> "True".equals(c.getStatus()));
    Mailbox mailbox =
        Await.object(
            client,
            Mailbox.class,
            teamNs,
            "ssa",
            m ->
                m.getStatus() != null
                    && m.getStatus().getAvailableWebhookCount() != null
                    && m.getStatus().getAvailableWebhookCount() == 1,
            "Mailbox status");
    MailboxRule rule =
        Await.condition(client, MailboxRule.class, teamNs, "ssa", "Ready", "True", "Ready");

    assertOwnsStatusByApply(webhook.getMetadata().getManagedFields(), "webhook", "f:lastTest");
    assertOwnsStatusByApply(
        mailbox.getMetadata().getManagedFields(), "mailbox", "f:availableWebhooks");
    assertOwnsStatusByApply(rule.getMetadata().getManagedFields(), "mailboxrule", "f:conditions");
    // The spec stays the user's: the operator's apply entries hold nothing outside status.
    assertThat(webhook.getMetadata().getManagedFields())
        .filteredOn(entry -> "webhook".equals(entry.getManager()))
        .allSatisfy(
            entry ->
                assertThat(
                        JSON.valueToTree(entry.getFieldsV1().getAdditionalProperties())
                            .has("f:spec"))
                    .isFalse());
  }

  /** Leader election is on: the Lease in the configured namespace names the running replica. */
  @Test
  void leaderElectionHoldsTheLease() {
    Lease lease =
        Await.until(
            "leader Lease",
            () ->
                client
                    .leases()
                    .inNamespace(leaseNs)
                    .withName("emailgistics-webhooks-operator")
                    .get(),
            l -> l != null && l.getSpec().getHolderIdentity() != null);
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(15);
    assertThat(lease.getSpec().getRenewTime()).isNotNull();
    var renewed = lease.getSpec().getRenewTime();
    Await.until(
        "lease renewed",
        () -> client.leases().inNamespace(leaseNs).withName("emailgistics-webhooks-operator").get(),
        l -> !l.getSpec().getRenewTime().equals(renewed));
  }

  private static void assertOwnsStatusByApply(
      List<ManagedFieldsEntry> entries, String manager, String statusField) {
    assertThat(entries)
        .as(
            "managedFields: %s",
            entries.stream()
                .map(e -> e.getManager() + "/" + e.getOperation() + "/" + e.getSubresource())
                .toList())
        .anySatisfy(
            entry -> {
              assertThat(entry.getManager()).isEqualTo(manager);
              assertThat(entry.getOperation()).isEqualTo("Apply");
              assertThat(entry.getSubresource()).isEqualTo("status");
              JsonNode fields = JSON.valueToTree(entry.getFieldsV1().getAdditionalProperties());
              assertThat(fields.path("f:status").has(statusField))
                  .as("%s owns status.%s", manager, statusField)
                  .isTrue();
            });
  }
}
