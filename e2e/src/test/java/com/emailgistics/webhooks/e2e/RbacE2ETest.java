package com.emailgistics.webhooks.e2e;

import static com.emailgistics.webhooks.e2e.support.Manifests.ref;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.AvailableWebhook;
import com.emailgistics.webhooks.api.CustomFieldDefinition;
import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.RuleProblem;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.e2e.support.ApiCallRecorder;
import com.emailgistics.webhooks.e2e.support.Await;
import com.emailgistics.webhooks.e2e.support.ChartRelease;
import com.emailgistics.webhooks.e2e.support.E2eCluster;
import com.emailgistics.webhooks.e2e.support.E2eClusterExtension;
import com.emailgistics.webhooks.e2e.support.InProcessOperator;
import com.emailgistics.webhooks.e2e.support.Manifests;
import com.emailgistics.webhooks.e2e.support.Paths;
import com.emailgistics.webhooks.e2e.support.Receiver;
import com.emailgistics.webhooks.e2e.support.Scenario;
import com.emailgistics.webhooks.e2e.support.ServiceAccounts;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Helm chart's RBAC on a real API server. The chart is installed with the real Helm library;
 * the operator runs in-process with the Deployment's environment, impersonating the chart's
 * ServiceAccount, so the API server applies exactly the permissions the chart grants it. People act
 * through impersonation too: a system administrator (the chart's systemAdminGroup) and a mailbox
 * administrator bound to the mailbox-admin ClusterRole in one team namespace.
 */
@ExtendWith(E2eClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RbacE2ETest {
  private static final Logger LOG = LoggerFactory.getLogger(RbacE2ETest.class);
  private static final String ADMINS_GROUP = "emailgistics-admins";
  private static final String SYSTEM_ADMIN = "alice";
  private static final String MAILBOX_ADMIN = "bob";
  private static final String TOKEN = "Chart-rbac!t0ken-for-e2e";
  private static final String DISPATCH_TOKEN = "Rbac-dispatch!t0ken-for-e2e";

  private static E2eCluster cluster;
  private static ChartRelease chart;
  private static HttpsEndpoint receiver;
  private static final ApiCallRecorder operatorCalls = new ApiCallRecorder();

  /** The operator's own client (its calls are recorded). */
  private static KubernetesClient operatorIdentity;

  /** The same identity for the tests' probes, so they do not count as the operator's calls. */
  private static KubernetesClient serviceAccount;

  private static KubernetesClient systemAdmin;
  private static KubernetesClient mailboxAdmin;
  private static InProcessOperator operator;
  private static String systemNs;
  private static String adminNs;
  private static String teamA;
  private static String teamB;
  private static String otherNs;

  @BeforeAll
  static void installChartAndStartOperator(E2eCluster e2e) throws Exception {
    cluster = e2e;
    KubernetesClient admin = cluster.admin();
    systemNs = cluster.createNamespace("rbac-system");
    adminNs = cluster.createNamespace("rbac-webhooks");
    teamA = cluster.createNamespace("rbac-team-a");
    teamB = cluster.createNamespace("rbac-team-b");
    otherNs = cluster.createNamespace("rbac-other");
    admin
        .resource(
            Manifests.stringSecret(
                otherNs, "unrelated", Map.of("password", "not-for-the-operator")))
        .create();

    chart =
        ChartRelease.install(
            cluster,
            systemNs,
            install ->
                install
                    .set("webhooks.enabled", "true")
                    .set("webhookNamespaces[0]", adminNs)
                    // Restricted to this test's namespaces: other tests' operators keep running in
                    // this JVM.
                    .set("mailboxNamespaces[0]", teamA)
                    .set("mailboxNamespaces[1]", teamB)
                    .set("rbac.systemAdminGroup", ADMINS_GROUP));
    assertThat(chart.release().getStatus()).isEqualTo("deployed");

    systemAdmin = cluster.as(SYSTEM_ADMIN, ADMINS_GROUP, "system:authenticated");
    mailboxAdmin = cluster.as(MAILBOX_ADMIN, "system:authenticated");
    // What a cluster administrator does for a team (the chart's NOTES say so).
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withNamespace(teamA)
                .withName("claims-mailbox-admins")
                .endMetadata()
                .withNewRoleRef(
                    "rbac.authorization.k8s.io",
                    "ClusterRole",
                    ChartRelease.RELEASE + "-mailbox-admin")
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName(MAILBOX_ADMIN)
                .endSubject()
                .build())
        .create();

    // The operator, as its ServiceAccount, configured by the Deployment's environment.
    operatorIdentity =
        cluster.as(
            chart.serviceAccountUser(),
            chart.serviceAccountGroups(),
            http -> http.addOrReplaceInterceptor("e2e-api-calls", operatorCalls));
    serviceAccount =
        cluster.as(chart.serviceAccountUser(), chart.serviceAccountGroups().toArray(String[]::new));
    Map<String, String> env = new HashMap<>(chart.operatorEnvironment());
    assertThat(env)
        .containsEntry("EMAILGISTICS_WEBHOOKS_ENABLED", "true")
        .containsEntry("EMAILGISTICS_WEBHOOK_NAMESPACES", adminNs)
        .containsEntry("EMAILGISTICS_LEADER_ELECTION_NAMESPACE", systemNs);
    // Ports and the token file are the pod's; in-process they must be free ports and a local file.
    env.put("EMAILGISTICS_HEALTH_PORT", "0");
    env.put("EMAILGISTICS_DISPATCH_PORT", "0");
    Path tokenFile = Paths.workDir().resolve("rbac-dispatch-token");
    Files.writeString(tokenFile, DISPATCH_TOKEN);
    env.put("EMAILGISTICS_DISPATCH_TOKEN_FILE", tokenFile.toString());
    operator = InProcessOperator.start(operatorIdentity, env);

    // The system administrator defines the webhooks and a mailbox; the mailbox admin a rule.
    receiver = new HttpsEndpoint();
    receiver.respond(200, Scenario.Bodies.SUCCESS);
    systemAdmin
        .resource(
            Manifests.stringSecret(
                adminNs, "receiver-ca", Map.of(Manifests.CA_KEY, receiver.caPem())))
        .create();
    systemAdmin
        .resource(Manifests.stringSecret(adminNs, "crm-token", Map.of(Manifests.TOKEN_KEY, TOKEN)))
        .create();
    Webhook crm =
        Manifests.webhook(
            adminNs,
            "crm",
            receiver.url("/hooks/crm"),
            "crm-token",
            "receiver-ca",
            ref(teamA, "claims"));
    crm.getSpec().setDisplayName("CRM enrichment");
    systemAdmin.resource(crm).create();
    systemAdmin
        .resource(
            Manifests.webhook(
                adminNs,
                "team-b-only",
                receiver.url("/hooks/team-b-only"),
                "crm-token",
                "receiver-ca",
                ref(teamB, "claims")))
        .create();
    systemAdmin.resource(Resources.mailbox(teamA, "claims")).create();
    systemAdmin.resource(Resources.mailbox(teamB, "claims")).create();
    mailboxAdmin
        .resource(Manifests.useWebhookRule(teamA, "enrich-claims", "claims", ref(adminNs, "crm")))
        .create();
  }

  @AfterAll
  static void closeReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  /** Runs first: the receiver has seen only the test delivery of crm then. */
  @Test
  @Order(1)
  void operatorReconcilesEverythingUnderTheChartsRbac() {
    Webhook crm =
        Await.condition(
            serviceAccount,
            Webhook.class,
            adminNs,
            "crm",
            "TestSucceeded",
            c -> "True".equals(c.getStatus()));
    assertThat(Await.condition(crm, "TestSucceeded").orElseThrow().getMessage())
        .isEqualTo(Scenario.Bodies.SUCCESS_MESSAGE);
    assertThat(Await.condition(crm, "Ready").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(Receiver.requests(receiver, "/hooks/crm"))
        .extracting(Receiver::bearer)
        .containsExactly(TOKEN);
    Await.condition(
        serviceAccount, MailboxRule.class, teamA, "enrich-claims", "Ready", "True", "Ready");
    Await.object(
        serviceAccount,
        Mailbox.class,
        teamA,
        "claims",
        m -> m.getStatus() != null && m.getStatus().getAvailableWebhookCount() != null,
        "Mailbox status written");
    Await.condition(
        serviceAccount,
        Webhook.class,
        adminNs,
        "team-b-only",
        "TestSucceeded",
        c -> "True".equals(c.getStatus()));
    // Leader election ran under the chart's Role, and Events were recorded under its ClusterRole.
    assertThat(
            cluster
                .admin()
                .leases()
                .inNamespace(systemNs)
                .withName(Scenario.LEASE)
                .get()
                .getSpec()
                .getHolderIdentity())
        .isNotBlank();
    List<Event> events =
        Await.until(
            "TestSucceeded event",
            () ->
                cluster.admin().v1().events().inNamespace(adminNs).list().getItems().stream()
                    .filter(e -> "TestSucceeded".equals(e.getReason()))
                    .toList(),
            list -> !list.isEmpty());
    assertThat(events).isNotEmpty();
    assertThat(operatorCalls.withCode(403))
        .as("API calls of the operator refused by RBAC")
        .isEmpty();
  }

  /**
   * The rule's admin log (spec section 6): a webhook that answers an invalid sendMessage, then 500,
   * shows both problems to the mailbox administrator on their MailboxRule, in its status and its
   * Events, although they can read neither Webhooks nor the dispatch token.
   */
  @Test
  void mailboxAdministratorSeesTheRuntimeProblemsOfTheirRule() throws Exception {
    try (HttpsEndpoint troubled = new HttpsEndpoint()) {
      troubled.respond(200, Scenario.Bodies.SUCCESS);
      systemAdmin
          .resource(
              Manifests.stringSecret(
                  adminNs, "troubled-ca", Map.of(Manifests.CA_KEY, troubled.caPem())))
          .create();
      systemAdmin
          .resource(
              Manifests.webhook(
                  adminNs,
                  "troubled",
                  troubled.url("/hooks/troubled"),
                  "crm-token",
                  "troubled-ca",
                  ref(teamA, "claims")))
          .create();
      mailboxAdmin
          .resource(
              Manifests.useWebhookRule(teamA, "troubled-rule", "claims", ref(adminNs, "troubled")))
          .create();
      Await.condition(
          mailboxAdmin, MailboxRule.class, teamA, "troubled-rule", "Ready", "True", "Ready");

      troubled.respond(
          200,
          "{\"status\":\"success\",\"message\":\"ok\",\"actions\":[{\"type\":\"sendMessage\",\"value\":{}}]}");
      assertThat(postToTheRule("problem-1")).isEqualTo(200);
      troubled.respond(500, "{\"error\":\"down for maintenance\"}");
      assertThat(postToTheRule("problem-2")).isEqualTo(200);

      MailboxRule rule =
          Await.object(
              mailboxAdmin,
              MailboxRule.class,
              teamA,
              "troubled-rule",
              r ->
                  r.getStatus().getProblems() != null
                      && r.getStatus().getProblems().getRecent().size() == 2,
              "both problems in the rule's status");
      assertThat(rule.getStatus().getProblems().getTotal()).isEqualTo(2);
      assertThat(rule.getStatus().getProblems().getRecent())
          .extracting(RuleProblem::getKind, RuleProblem::getWebhook, RuleProblem::getCount)
          .containsExactly(
              tuple("DeliveryFailed", adminNs + "/troubled", 1L),
              tuple("ActionDropped", adminNs + "/troubled", 1L));
      assertThat(rule.getStatus().getProblems().getRecent().get(0).getLastMessage())
          .startsWith("Failed (HTTP 500): ");
      assertThat(rule.getStatus().getProblems().getRecent().get(1).getLastMessage())
          .startsWith("action 0 (sendMessage) dropped: ");
      assertThat(rule.getStatus().getConditions())
          .as("the reconciler's conditions stay beside the dispatch side's problems")
          .extracting(StatusCondition::getType)
          .contains("Ready");

      List<Event> events =
          Await.until(
              "Warning Events on the rule",
              () ->
                  mailboxAdmin.v1().events().inNamespace(teamA).list().getItems().stream()
                      .filter(e -> "troubled-rule".equals(e.getInvolvedObject().getName()))
                      .toList(),
              found -> found.size() == 2);
      assertThat(events)
          .extracting(Event::getType, Event::getReason)
          .containsExactlyInAnyOrder(
              tuple("Warning", "ActionDropped"), tuple("Warning", "DeliveryFailed"));
      assertThat(events)
          .extracting(Event::getMessage)
          .allSatisfy(message -> assertThat(message).doesNotContain(TOKEN));
      assertForbidden(
          () ->
              mailboxAdmin.resources(Webhook.class).inNamespace(adminNs).withName("troubled").get(),
          MAILBOX_ADMIN,
          "get",
          "webhooks",
          adminNs);
      assertForbidden(
          () -> mailboxAdmin.secrets().inNamespace(systemNs).list(),
          MAILBOX_ADMIN,
          "list",
          "secrets",
          systemNs);
    }
  }

  private static int postToTheRule(String id) throws Exception {
    return postTo("troubled-rule", id);
  }

  private static int postTo(String rule, String id) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        operator.dispatchUrl() + "/v1/rules/" + teamA + "/" + rule + "/messages"))
                .header("Authorization", "Bearer " + DISPATCH_TOKEN)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"id":"%s","subject":"Claim","from":{"emailAddress":{"name":"Pat",
                         "address":"pat@customer.example"}},"bodyText":"see claim"}"""
                            .formatted(id)))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  /**
   * The delivery history follows the chart's roles: a ServiceAccount holding the system-admin role
   * in the webhook namespace reads a Webhook's history with its own token, one holding the
   * mailbox-admin role in its team namespace is refused (403), as is the dispatch token. The
   * operator keeps the history in a ConfigMap of the webhook namespace, with the chart's Role.
   */
  @Test
  void historyIsReadableWithTheSystemAdminRoleAndNotWithTheMailboxAdminRole() throws Exception {
    assertThat(postTo("enrich-claims", "rbac-history-1")).isEqualTo(200);
    String systemAdminToken =
        ServiceAccounts.token(
            cluster.admin(),
            adminNs,
            "history-system-admin",
            "ClusterRole",
            ChartRelease.RELEASE + "-system-admin");
    String mailboxAdminToken =
        ServiceAccounts.token(
            cluster.admin(),
            teamA,
            "history-mailbox-admin",
            "ClusterRole",
            ChartRelease.RELEASE + "-mailbox-admin");

    HttpResponse<String> allowed = operator.history(adminNs, "crm", systemAdminToken);
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.body())
        .contains("\"webhook\":\"" + adminNs + "/crm\"")
        .contains("\"messageId\":\"rbac-history-1\"");
    assertThat(serviceAccount.configMaps().inNamespace(adminNs).withName("crm.deliveries").get())
        .extracting(configMap -> configMap.getData().get("deliveries.json"))
        .asString()
        .contains("rbac-history-1");
    HttpResponse<String> refused = operator.history(adminNs, "crm", mailboxAdminToken);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(refused.body())
        .contains(
            "system:serviceaccount:"
                + teamA
                + ":history-mailbox-admin may not get webhooks.webhooks.emailgistics.com");
    assertThat(operator.history(adminNs, "crm", DISPATCH_TOKEN).statusCode()).isEqualTo(403);
  }

  /** Runs last: covers every reconciliation the other tests caused. */
  @Test
  @Order(Integer.MAX_VALUE)
  void operatorGotNoForbiddenAnswerThroughoutAndUsedOnlyWhatTheChartGrants() {
    assertThat(operatorCalls.calls()).isPositive();
    LOG.info(
        "The operator made {} API calls as {}, using: {}",
        operatorCalls.calls(),
        chart.serviceAccountUser(),
        operatorCalls.verbs());
    assertThat(operatorCalls.withCode(403))
        .as("API calls of the operator refused by RBAC")
        .isEmpty();
    assertThat(operatorCalls.withCode(401)).isEmpty();
    assertThat(operatorCalls.verbs())
        .as("the operator never writes Secrets or the spec of what people own")
        .noneMatch(verb -> verb.matches("(create|update|patch|delete|deletecollection) secrets"))
        .noneMatch(
            verb ->
                verb.matches(
                    "(create|update|patch|delete|deletecollection) (webhooks|mailboxes|mailboxrules)"));
  }

  @Test
  void operatorServiceAccountReadsSecretsOnlyInTheWebhookNamespaces() {
    assertThat(serviceAccount.secrets().inNamespace(adminNs).withName("crm-token").get())
        .isNotNull();
    assertThat(serviceAccount.secrets().inNamespace(adminNs).list().getItems()).isNotEmpty();
    // The chart's default (mailboxNamespaces empty: all namespaces) needs cluster-wide list/watch
    // of
    // the custom resources; the operator above runs restricted, so check that grant directly.
    assertThat(serviceAccount.resources(Mailbox.class).inAnyNamespace().list().getItems())
        .isNotEmpty();
    assertThat(serviceAccount.resources(MailboxRule.class).inAnyNamespace().list().getItems())
        .isNotEmpty();
    assertThat(serviceAccount.resources(Webhook.class).inAnyNamespace().list().getItems())
        .isNotEmpty();

    assertForbidden(
        () -> serviceAccount.secrets().inNamespace(otherNs).withName("unrelated").get(),
        chart.serviceAccountUser(),
        "get",
        "secrets",
        otherNs);
    assertForbidden(
        () -> serviceAccount.secrets().inNamespace(teamA).list(),
        chart.serviceAccountUser(),
        "list",
        "secrets",
        teamA);
    assertForbidden(
        () -> serviceAccount.secrets().inNamespace(systemNs).list(),
        chart.serviceAccountUser(),
        "list",
        "secrets",
        systemNs);
    assertForbidden(
        () -> serviceAccount.secrets().inAnyNamespace().list(),
        chart.serviceAccountUser(),
        "list",
        "secrets",
        null);
    // Least privilege beyond Secrets: the operator never writes what people own.
    assertForbidden(
        () ->
            serviceAccount
                .secrets()
                .inNamespace(adminNs)
                .resource(Manifests.stringSecret(adminNs, "planted", Map.of("k", "v")))
                .create(),
        chart.serviceAccountUser(),
        "create",
        "secrets",
        adminNs);
    assertForbidden(
        () ->
            Manifests.mergePatch(
                serviceAccount,
                Webhook.class,
                adminNs,
                "crm",
                "{\"spec\":{\"url\":\"https://elsewhere.example/steal\"}}"),
        chart.serviceAccountUser(),
        "patch",
        "webhooks",
        adminNs);
    assertForbidden(
        () ->
            serviceAccount.resources(Mailbox.class).inNamespace(teamA).withName("claims").delete(),
        chart.serviceAccountUser(),
        "delete",
        "mailboxes",
        teamA);
  }

  @Test
  void systemAdministratorManagesWebhooksMailboxesAndTheWebhookSecrets() {
    systemAdmin
        .resource(
            Manifests.stringSecret(adminNs, "admin-token", Map.of(Manifests.TOKEN_KEY, TOKEN)))
        .create();
    systemAdmin
        .resource(
            Manifests.stringSecret(
                adminNs, "admin-token", Map.of(Manifests.TOKEN_KEY, TOKEN + "2")))
        .update();
    assertThat(systemAdmin.secrets().inNamespace(adminNs).withName("admin-token").get().getData())
        .containsKey("token");
    systemAdmin
        .resource(
            Manifests.webhook(
                adminNs,
                "admin-made",
                receiver.url("/hooks/admin-made"),
                "admin-token",
                "receiver-ca"))
        .create();
    Manifests.mergePatch(
        systemAdmin,
        Webhook.class,
        adminNs,
        "admin-made",
        "{\"spec\":{\"displayName\":\"Renamed by the system administrator\"}}");
    systemAdmin.resource(Resources.mailbox(teamB, "admin-made")).create();
    systemAdmin.resources(Mailbox.class).inNamespace(teamB).withName("admin-made").delete();
    systemAdmin.resources(Webhook.class).inNamespace(adminNs).withName("admin-made").delete();
    systemAdmin.secrets().inNamespace(adminNs).withName("admin-token").delete();
    assertThat(systemAdmin.resources(MailboxRule.class).inNamespace(teamA).list().getItems())
        .isNotEmpty();

    // Secrets elsewhere are not theirs through this chart.
    assertForbidden(
        () -> systemAdmin.secrets().inNamespace(otherNs).withName("unrelated").get(),
        SYSTEM_ADMIN,
        "get",
        "secrets",
        otherNs);
    assertForbidden(
        () -> systemAdmin.secrets().inNamespace(teamA).list(),
        SYSTEM_ADMIN,
        "list",
        "secrets",
        teamA);
  }

  @Test
  void mailboxAdministratorManagesRulesOfTheirNamespaceOnly() {
    // Their own namespace: rules read-write, the mailbox (with the webhooks it may use) readable.
    mailboxAdmin
        .resource(Manifests.useWebhookRule(teamA, "by-bob", "claims", ref(adminNs, "crm")))
        .create();
    assertThat(
            Manifests.mergePatch(
                    mailboxAdmin, MailboxRule.class, teamA, "by-bob", "{\"spec\":{\"priority\":5}}")
                .getSpec()
                .getPriority())
        .isEqualTo(5);
    assertThat(mailboxAdmin.resources(MailboxRule.class).inNamespace(teamA).list().getItems())
        .extracting(r -> r.getMetadata().getName())
        .contains("by-bob", "enrich-claims");
    Mailbox claims =
        Await.object(
            mailboxAdmin,
            Mailbox.class,
            teamA,
            "claims",
            m -> m.getStatus() != null && m.getStatus().getAvailableWebhooks().size() == 1,
            "mailbox admin sees the available webhook");
    AvailableWebhook available = claims.getStatus().getAvailableWebhooks().get(0);
    assertThat(available.getDisplayName()).isEqualTo("CRM enrichment");
    assertThat(available.getWebhook()).isEqualTo(ref(adminNs, "crm"));
    Await.condition(mailboxAdmin, MailboxRule.class, teamA, "by-bob", "Ready", "True", "Ready");
    mailboxAdmin.resources(MailboxRule.class).inNamespace(teamA).withName("by-bob").delete();

    // Mailboxes are made and removed by system administrators.
    assertForbidden(
        () -> mailboxAdmin.resource(Resources.mailbox(teamA, "bobs-own")).create(),
        MAILBOX_ADMIN,
        "create",
        "mailboxes",
        teamA);
    assertForbidden(
        () -> mailboxAdmin.resources(Mailbox.class).inNamespace(teamA).withName("claims").delete(),
        MAILBOX_ADMIN,
        "delete",
        "mailboxes",
        teamA);
    // Namespace B is not theirs.
    assertForbidden(
        () -> mailboxAdmin.resources(MailboxRule.class).inNamespace(teamB).list(),
        MAILBOX_ADMIN,
        "list",
        "mailboxrules",
        teamB);
    assertForbidden(
        () ->
            mailboxAdmin
                .resource(
                    Manifests.useWebhookRule(teamB, "intruder", "claims", ref(adminNs, "crm")))
                .create(),
        MAILBOX_ADMIN,
        "create",
        "mailboxrules",
        teamB);
    assertForbidden(
        () -> mailboxAdmin.resources(Mailbox.class).inNamespace(teamB).withName("claims").get(),
        MAILBOX_ADMIN,
        "get",
        "mailboxes",
        teamB);
    // No Webhooks and no Secrets, anywhere.
    assertForbidden(
        () -> mailboxAdmin.resources(Webhook.class).inNamespace(adminNs).withName("crm").get(),
        MAILBOX_ADMIN,
        "get",
        "webhooks",
        adminNs);
    assertForbidden(
        () -> mailboxAdmin.resources(Webhook.class).inNamespace(teamA).list(),
        MAILBOX_ADMIN,
        "list",
        "webhooks",
        teamA);
    assertForbidden(
        () -> mailboxAdmin.resources(Webhook.class).inAnyNamespace().list(),
        MAILBOX_ADMIN,
        "list",
        "webhooks",
        null);
    assertForbidden(
        () -> mailboxAdmin.secrets().inNamespace(adminNs).withName("crm-token").get(),
        MAILBOX_ADMIN,
        "get",
        "secrets",
        adminNs);
    assertForbidden(
        () -> mailboxAdmin.secrets().inNamespace(teamA).list(),
        MAILBOX_ADMIN,
        "list",
        "secrets",
        teamA);
    // `kubectl apply --server-side` of a Secret manifest: one PATCH, no read first.
    assertForbidden(
        () ->
            mailboxAdmin
                .resource(
                    Manifests.stringSecret(
                        adminNs, "crm-token", Map.of(Manifests.TOKEN_KEY, "mine")))
                .fieldManager("bob")
                .serverSideApply(),
        MAILBOX_ADMIN,
        "patch",
        "secrets",
        adminNs);
  }

  @Test
  void ruleUsingAWebhookNotPermittedForItsMailboxIsReportedAndNotUsed() throws Exception {
    mailboxAdmin
        .resource(
            Manifests.useWebhookRule(teamA, "not-permitted", "claims", ref(adminNs, "team-b-only")))
        .create();

    MailboxRule rule =
        Await.condition(
            mailboxAdmin,
            MailboxRule.class,
            teamA,
            "not-permitted",
            "Ready",
            "False",
            "WebhookNotAvailable");
    StatusCondition ready = Await.condition(rule, "Ready").orElseThrow();
    assertThat(ready.getMessage())
        .isEqualTo(
            "Webhook "
                + adminNs
                + "/team-b-only does not exist or does not list Mailbox "
                + teamA
                + "/claims in spec.mailboxes; the Mailbox's status.availableWebhooks shows the webhooks it may use");
    // A webhook that does not exist gets the same reason and words: the tenant learns nothing from
    // them.
    mailboxAdmin
        .resource(
            Manifests.useWebhookRule(teamA, "no-such-webhook", "claims", ref(adminNs, "no-such")))
        .create();
    StatusCondition missing =
        Await.condition(
                Await.condition(
                    mailboxAdmin,
                    MailboxRule.class,
                    teamA,
                    "no-such-webhook",
                    "Ready",
                    "False",
                    "WebhookNotAvailable"),
                "Ready")
            .orElseThrow();
    assertThat(missing.getMessage())
        .isEqualTo(ready.getMessage().replace("/team-b-only ", "/no-such "));
    mailboxAdmin
        .resources(MailboxRule.class)
        .inNamespace(teamA)
        .withName("no-such-webhook")
        .delete();
    Mailbox claims =
        mailboxAdmin.resources(Mailbox.class).inNamespace(teamA).withName("claims").get();
    assertThat(claims.getStatus().getAvailableWebhooks())
        .extracting(AvailableWebhook::getWebhook)
        .doesNotContain(ref(adminNs, "team-b-only"));
    // The webhook received its own test delivery and nothing on behalf of the rule.
    Await.condition(
        serviceAccount,
        Webhook.class,
        adminNs,
        "team-b-only",
        "TestSucceeded",
        c -> "True".equals(c.getStatus()));
    Thread.sleep(2000);
    assertThat(Receiver.count(receiver, "/hooks/team-b-only")).isEqualTo(1);
  }

  /**
   * The mailbox administrator defines their Mailbox's custom fields (spec 1.3) with what `kubectl
   * patch --type merge` sends, but its address, which routes mail, stays with system
   * administrators: the chart's ValidatingAdmissionPolicy refuses the change.
   */
  @Test
  void mailboxAdministratorEditsTheirMailboxButNotItsAddress() {
    systemAdmin.resource(Resources.mailbox(teamA, "policy-probe")).create();
    String address = "policy-probe@insurer.example";
    // The policy is enforced once the API server has loaded it: probe with dry runs until then.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                addressChange(mailboxAdmin, "moved@insurer.example", true)
                        instanceof KubernetesClientException e
                    && e.getCode() == 403);

    Mailbox edited =
        Manifests.mergePatch(
            mailboxAdmin,
            Mailbox.class,
            teamA,
            "policy-probe",
            """
        {"spec":{"tags":["VIP","Europe","Urgent"],"customFields":[{"key":"claimNumber","validationPattern":"CLM-\\\\d+"},
         {"key":"policyNumber","validationPattern":"POL-\\\\d+"}]}}""");
    assertThat(edited.getSpec().getCustomFields())
        .extracting(CustomFieldDefinition::getKey)
        .containsExactly("claimNumber", "policyNumber");
    assertThat(edited.getSpec().getCustomFields().get(1).getValidationPattern())
        .isEqualTo("POL-\\d+");
    assertThat(edited.getSpec().getTags()).contains("Urgent");

    Exception refused = addressChange(mailboxAdmin, "moved@insurer.example", false);
    assertThat(refused)
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getMessage())
                  .contains("ValidatingAdmissionPolicy")
                  .contains(
                      "spec.address routes mail to this Mailbox: only system administrators (RBAC verb \"setaddress\" on"
                          + " mailboxes) may change it");
            });
    assertThat(
            systemAdmin
                .resources(Mailbox.class)
                .inNamespace(teamA)
                .withName("policy-probe")
                .get()
                .getSpec()
                .getAddress())
        .isEqualTo(address);

    assertThat(addressChange(systemAdmin, "moved@insurer.example", false)).isNull();
    assertThat(
            systemAdmin
                .resources(Mailbox.class)
                .inNamespace(teamA)
                .withName("policy-probe")
                .get()
                .getSpec()
                .getAddress())
        .isEqualTo("moved@insurer.example");
    systemAdmin.resources(Mailbox.class).inNamespace(teamA).withName("policy-probe").delete();
  }

  /**
   * What refused {@code client}'s merge patch of the probe Mailbox's address; null when it went
   * through.
   */
  private static Exception addressChange(KubernetesClient client, String address, boolean dryRun) {
    var mailbox = client.resources(Mailbox.class).inNamespace(teamA).withName("policy-probe");
    try {
      (dryRun ? mailbox.dryRun() : mailbox)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"spec\":{\"address\":\"" + address + "\"}}");
      return null;
    } catch (KubernetesClientException e) {
      return e;
    }
  }

  private static void assertForbidden(
      ThrowingCallable call, String user, String verb, String resource, String namespace) {
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, call);
    assertThat(e).as("%s %s %s in %s must be refused", user, verb, resource, namespace).isNotNull();
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
    String message = e.getStatus().getMessage();
    assertThat(message)
        .contains("User \"" + user + "\" cannot " + verb + " resource \"" + resource + "\"");
    if (namespace != null) {
      assertThat(message).contains("in the namespace \"" + namespace + "\"");
    } else {
      assertThat(message).contains("at the cluster scope");
    }
  }
}
