package com.emailgistics.webhooks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.e2e.support.Await;
import com.emailgistics.webhooks.e2e.support.E2eCluster;
import com.emailgistics.webhooks.e2e.support.E2eClusterExtension;
import com.emailgistics.webhooks.e2e.support.InProcessOperator;
import com.emailgistics.webhooks.e2e.support.Receiver;
import com.emailgistics.webhooks.e2e.support.Scenario;
import com.emailgistics.webhooks.e2e.support.ServiceAccounts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full flow on a real API server: Secret, Webhook, Mailbox and MailboxRule applied; the test
 * delivery succeeds; messages posted to the dispatch endpoint reach the real HTTPS receiver with
 * the product's payload and headers; a plain Secret update rotates the bearer value while messages
 * keep flowing, and no delivery is dropped or sent with the old value after the new one.
 */
@ExtendWith(E2eClusterExtension.class)
class DispatchFlowE2ETest {
  private static final String OLD_TOKEN = "Old-t0ken!dispatch-e2e";
  private static final String NEW_TOKEN = "New-t0ken!dispatch-e2e";
  private static final String DISPATCH_TOKEN = "Dispatch-t0ken!e2e";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Scenario scenario;
  private static KubernetesClient admin;
  private static InProcessOperator operator;

  @BeforeAll
  static void start(E2eCluster cluster, @TempDir Path dir) throws Exception {
    scenario = Scenario.create(cluster, "dispatch");
    admin = cluster.admin();
    scenario.createWebhook("crm", OLD_TOKEN, "claims");
    scenario.createMailbox("claims");
    scenario.createRule("enrich", "claims", "crm");
    Path token = Files.writeString(dir.resolve("dispatch-token"), DISPATCH_TOKEN);
    Map<String, String> env = new HashMap<>(scenario.operatorEnv());
    env.put("EMAILGISTICS_DISPATCH_TOKEN_FILE", token.toString());
    operator =
        InProcessOperator.start(
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(cluster.kubeConfigYaml()))
                .build(),
            env);
    scenario.awaitTestSucceeded("crm");
    scenario.awaitRuleReady("enrich");
  }

  @AfterAll
  static void stop() {
    scenario.close();
  }

  private static JsonNode dispatch(String id) throws Exception {
    String message =
        """
        {"id":"%s","event":"received","internetMessageId":"<%s@mail.customer.example>",
         "received":"2026-11-26T10:00:00Z","subject":"Question about my claim",
         "sender":{"emailAddress":{"name":"Pat Doe","address":"pat@customer.example"}},
         "from":{"emailAddress":{"name":"Pat Doe","address":"pat@customer.example"}},
         "to":[{"emailAddress":{"name":"Claims","address":"claims@insurer.example"}}],"cc":[],
         "hasAttachments":false,"conversationId":"2L8WYB89Z","bodyText":"not forwarded"}"""
            .formatted(id, id);
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        operator.dispatchUrl() + "/v1/mailboxes/claims@insurer.example/messages"))
                .header("Authorization", "Bearer " + DISPATCH_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(message))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** Deliveries of real messages (not the test deliveries, whose ids start with "sample-"). */
  private static List<RecordedRequest> messageDeliveries() {
    return Receiver.requests(scenario.receiver(), Scenario.path("crm")).stream()
        .filter(request -> !request.getBody().utf8().contains("\"id\":\"sample-"))
        .toList();
  }

  /**
   * The delivery history is read with a Kubernetes identity, reviewed by the API server
   * (TokenReview, then SubjectAccessReview on the Webhook): a ServiceAccount allowed to get the
   * Webhook reads it, one that is not is refused with 403, a made-up token with 401, and the
   * dispatch token, which only posts messages, with 403.
   */
  @Test
  void historyIsReadWithAKubernetesIdentityAllowedToGetTheWebhook() throws Exception {
    dispatch("history-1");
    String reader = serviceAccountToken("history-reader", true);
    String outsider = serviceAccountToken("history-outsider", false);

    HttpResponse<String> allowed = history(reader);
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(JSON.readTree(allowed.body()).get("deliveries"))
        .extracting(delivery -> delivery.get("messageId").asText())
        .contains("history-1");

    HttpResponse<String> refused = history(outsider);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(refused.body()).get("error").asText())
        .isEqualTo(
            "system:serviceaccount:"
                + scenario.adminNs
                + ":history-outsider may not get webhooks.webhooks.emailgistics.com \"crm\" in"
                + " namespace \""
                + scenario.adminNs
                + "\"");
    HttpResponse<String> madeUp = history("not-a-kubernetes-token");
    assertThat(madeUp.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(madeUp.body()).get("error").asText())
        .startsWith("the bearer token is not a valid Kubernetes token");
    assertThat(history(DISPATCH_TOKEN).statusCode()).isEqualTo(403);
    assertThat(operator.metrics())
        .contains("emailgistics_read_denials_total{reason=\"forbidden\"} 1.0")
        .contains("emailgistics_read_denials_total{reason=\"unauthenticated\"} 1.0");
  }

  private static HttpResponse<String> history(String bearer) throws Exception {
    return operator.history(scenario.adminNs, "crm", bearer);
  }

  /** A token of a new ServiceAccount in the admin namespace, allowed to get Webhooks or not. */
  private static String serviceAccountToken(String name, boolean mayGetWebhooks) {
    String namespace = scenario.adminNs;
    if (mayGetWebhooks) {
      admin
          .rbac()
          .roles()
          .inNamespace(namespace)
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("webhooks.emailgistics.com")
                  .withResources("webhooks")
                  .withVerbs("get")
                  .endRule()
                  .build())
          .create();
    }
    return ServiceAccounts.token(admin, namespace, name, "Role", mayGetWebhooks ? name : null);
  }

  /**
   * One writer per status field, as the API server records it: status.deliveries is the dispatch
   * side's (merge patch), the rest of the status the reconciler's (apply), and neither takes the
   * other's fields.
   */
  @Test
  void statusFieldsHaveOneWriterEach() throws Exception {
    dispatch("owners-1");
    Webhook webhook =
        Await.object(
            admin,
            Webhook.class,
            scenario.adminNs,
            "crm",
            w -> w.getStatus() != null && w.getStatus().getDeliveries() != null,
            "status.deliveries written");

    Map<String, JsonNode> statusFieldsByManager = new HashMap<>();
    for (ManagedFieldsEntry entry : webhook.getMetadata().getManagedFields()) {
      if ("status".equals(entry.getSubresource())) {
        statusFieldsByManager.put(
            entry.getManager() + "/" + entry.getOperation(),
            JSON.valueToTree(entry.getFieldsV1().getAdditionalProperties()).path("f:status"));
      }
    }
    assertThat(statusFieldsByManager).containsKeys("webhook/Apply", "emailgistics-dispatch/Update");
    assertThat(fieldNames(statusFieldsByManager.get("emailgistics-dispatch/Update")))
        .containsExactly("f:deliveries");
    assertThat(fieldNames(statusFieldsByManager.get("webhook/Apply")))
        .contains("f:conditions", "f:lastTest", "f:observedGeneration")
        .doesNotContain("f:deliveries");
  }

  private static List<String> fieldNames(JsonNode fields) {
    List<String> names = new ArrayList<>();
    fields.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void messageIsDeliveredWithTheProductPayloadAndHeaders() throws Exception {
    JsonNode report = dispatch("flow-1");

    assertThat(report.at("/rules/0/matched").asBoolean()).isTrue();
    assertThat(report.at("/deliveries/0/outcome").asText()).isEqualTo("Succeeded");
    assertThat(report.at("/deliveries/0/message").asText()).isEqualTo("queued for enrichment");
    assertThat(report.at("/actions/0/type").asText()).isEqualTo("tag");
    assertThat(report.at("/actions/0/value/tags/0").asText()).isEqualTo("VIP");

    RecordedRequest delivered =
        messageDeliveries().stream()
            .filter(request -> request.getBody().utf8().contains("\"id\":\"flow-1\""))
            .findFirst()
            .orElseThrow();
    assertThat(delivered.getHeaders().get("Content-Type")).isEqualTo("application/json");
    assertThat(delivered.getHeaders().get("User-Agent")).matches("Emailgistics/\\S+");
    assertThat(Receiver.bearer(delivered)).isIn(OLD_TOKEN, NEW_TOKEN);
    assertThat(delivered.getHandshake().tlsVersion().javaName()).isIn("TLSv1.2", "TLSv1.3");
    JsonNode payload = JSON.readTree(delivered.getBody().utf8());
    assertThat(payload.get("mailbox").asText()).isEqualTo("claims@insurer.example");
    assertThat(payload.at("/from/emailAddress/address").asText()).isEqualTo("pat@customer.example");
    assertThat(payload.get("conversationId").asText()).isEqualTo("2L8WYB89Z");
    assertThat(payload.has("bodyText")).as("includeMessageText is off").isFalse();
    assertThat(payload.has("customFields")).isFalse();
  }

  @Test
  void rotationWhileMessagesFlowDropsNothingAndNeverGoesBack() throws Exception {
    boolean rotated = false;
    List<JsonNode> reports = new ArrayList<>();
    int sent = 0;
    // Keep dispatching before, during and after the rotation, until the new value has been seen
    // for a while; bounded in count.
    int afterNew = 0;
    while (sent < 400 && afterNew < 10) {
      JsonNode report = dispatch("rot-" + sent++);
      reports.add(report);
      if (sent == 5) {
        scenario.rotate("crm", NEW_TOKEN);
        rotated = true;
      }
      List<RecordedRequest> deliveries = messageDeliveries();
      if (rotated && NEW_TOKEN.equals(Receiver.bearer(deliveries.get(deliveries.size() - 1)))) {
        afterNew++;
      }
      Thread.sleep(20);
    }

    assertThat(afterNew).as("the new value reached deliveries").isEqualTo(10);
    assertThat(reports)
        .allSatisfy(
            report -> {
              assertThat(report.at("/deliveries/0/outcome").asText()).isEqualTo("Succeeded");
              assertThat(report.at("/deliveries/0/attempts").asInt()).isEqualTo(1);
            });
    List<String> bearers =
        messageDeliveries().stream()
            .filter(request -> request.getBody().utf8().contains("\"id\":\"rot-"))
            .map(Receiver::bearer)
            .toList();
    assertThat(bearers).hasSize(sent);
    int firstNew = bearers.indexOf(NEW_TOKEN);
    assertThat(bearers.subList(0, firstNew)).containsOnly(OLD_TOKEN);
    assertThat(bearers.subList(firstNew, bearers.size())).containsOnly(NEW_TOKEN);
  }
}
