package com.emailgistics.webhooks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.e2e.support.Await;
import com.emailgistics.webhooks.e2e.support.E2eCluster;
import com.emailgistics.webhooks.e2e.support.E2eClusterExtension;
import com.emailgistics.webhooks.e2e.support.OperatorProcess;
import com.emailgistics.webhooks.e2e.support.Scenario;
import com.emailgistics.webhooks.e2e.support.ServiceAccounts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas behind one Service, as the chart runs them: messages reach either, and a history
 * query answers the same on both, with every delivery of both. A replica that is stopped (SIGTERM)
 * and replaced loses none of the deliveries it made.
 */
@ExtendWith(E2eClusterExtension.class)
class DeliveryHistoryE2ETest {
  private static final String TOKEN = "History-t0ken!for-e2e";
  private static final String DISPATCH_TOKEN = "Dispatch-t0ken!history-e2e";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyReplicaAnswersTheSameHistoryAndAReplacedReplicaLosesNone(
      E2eCluster cluster, @TempDir Path dir) throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("dispatch-token"), DISPATCH_TOKEN);
    try (Scenario s = Scenario.create(cluster, "history")) {
      Map<String, String> env = new HashMap<>(s.operatorEnv());
      env.put("EMAILGISTICS_DISPATCH_TOKEN_FILE", tokenFile.toString());
      OperatorProcess a = OperatorProcess.start(cluster, "replica-a", env);
      OperatorProcess b = OperatorProcess.start(cluster, "replica-b", env);
      try (a;
          b) {
        s.createWebhook("crm", TOKEN, "claims");
        s.createMailbox("claims");
        s.createRule("enrich", "claims", "crm");
        s.awaitRuleReady("enrich");
        Await.until(
            "both replicas serve the rule", () -> post(b, s, "warm-up"), code -> code == 200);
        String reader = readerToken(cluster.admin(), s);

        // A Service spreads messages over both replicas.
        List<String> sent = new ArrayList<>(List.of("warm-up"));
        for (int i = 1; i <= 6; i++) {
          String id = "history-" + i;
          assertThat(post(i % 2 == 0 ? b : a, s, id)).as(id).isEqualTo(200);
          sent.add(0, id);
        }

        JsonNode fromA =
            Await.until(
                "both replicas' deliveries in the history",
                () -> deliveries(a, s, reader),
                history -> messageIds(history).equals(sent));
        JsonNode fromB = deliveries(b, s, reader);
        assertThat(fromB).as("the same answer from the other replica").isEqualTo(fromA);
        assertThat(fromA)
            .extracting(delivery -> delivery.get("replica").asText())
            .containsOnly("replica-a", "replica-b")
            .contains("replica-a", "replica-b");

        // The next message goes to b, which is then stopped and replaced at once.
        assertThat(post(b, s, "before-replacement")).isEqualTo(200);
        sent.add(0, "before-replacement");
        b.terminate();
        assertThat(b.awaitExit(Duration.ofSeconds(90)))
            .as("exit code after SIGTERM")
            .isEqualTo(143);
        try (OperatorProcess c = OperatorProcess.start(cluster, "replica-c", env)) {
          assertThat(messageIds(deliveries(c, s, reader)))
              .as("the replacement's answer, at once")
              .isEqualTo(sent);
          assertThat(deliveries(a, s, reader)).isEqualTo(deliveries(c, s, reader));
        }
      }
    }
  }

  private static int post(OperatorProcess replica, Scenario s, String id) {
    return send(HttpRequest.newBuilder(
                URI.create(replica.dispatchUrl() + "/v1/rules/" + s.teamNs + "/enrich/messages"))
            .header("Authorization", "Bearer " + DISPATCH_TOKEN)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    """
                        {"id":"%s","subject":"claim",
                         "from":{"emailAddress":{"address":"pat@customer.example"}}}"""
                        .formatted(id)))
            .build())
        .statusCode();
  }

  private static JsonNode deliveries(OperatorProcess replica, Scenario s, String bearer) {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        replica.dispatchUrl() + "/v1/webhooks/" + s.adminNs + "/crm/deliveries"))
                .header("Authorization", "Bearer " + bearer)
                .timeout(Duration.ofSeconds(30))
                .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    try {
      return JSON.readTree(response.body()).get("deliveries");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<String> messageIds(JsonNode deliveries) {
    return StreamSupport.stream(deliveries.spliterator(), false)
        .map(delivery -> delivery.get("messageId").asText())
        .toList();
  }

  /** A ServiceAccount allowed to get Webhooks in the webhook namespace, as the history requires. */
  private static String readerToken(KubernetesClient admin, Scenario s) {
    admin
        .rbac()
        .roles()
        .inNamespace(s.adminNs)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("history-reader")
                .endMetadata()
                .addNewRule()
                .withApiGroups("webhooks.emailgistics.com")
                .withResources("webhooks")
                .withVerbs("get")
                .endRule()
                .build())
        .create();
    return ServiceAccounts.token(admin, s.adminNs, "history-reader", "Role", "history-reader");
  }
}
