package com.emailgistics.webhooks.dispatch;

import static com.emailgistics.webhooks.testing.DispatchClient.assertError;
import static com.emailgistics.webhooks.testing.DispatchClient.json;
import static com.emailgistics.webhooks.testing.DispatchClient.message;
import static com.emailgistics.webhooks.testing.Resources.mailbox;
import static com.emailgistics.webhooks.testing.Resources.rule;
import static com.emailgistics.webhooks.testing.Resources.secret;
import static com.emailgistics.webhooks.testing.Resources.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.testing.DispatchClient;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIGTERM's drain: readiness turns false and new messages get 503 at once, the messages in flight
 * finish and are answered, and those that outlast the drain time are cut short and answered with
 * what was done.
 */
@ExtendWith(MockApiServer.class)
class DispatchDrainTest {
  private static final String ADMIN = "admin";
  private static final String TEAM = "team";
  private static final String OK = "{\"status\":\"success\",\"message\":\"ok\"}";
  private static final int IN_FLIGHT = 50;

  static KubernetesClient client;
  private static HttpsEndpoint slow;
  private static HttpsEndpoint stuck;

  @AfterAll
  static void tearDown() {
    slow.close();
    stuck.close();
  }

  @Test
  void everyMessageInFlightIsAnsweredAndNewOnesAreTurnedAway() throws Exception {
    slow = new HttpsEndpoint();
    stuck = new HttpsEndpoint();
    OperatorFixture operator =
        new OperatorFixture(
            client,
            OperatorConfig.fromEnvironment(
                Map.of(OperatorConfig.ENABLED, "true", OperatorConfig.DRAIN_SECONDS, "4")));
    DispatchClient dispatch = new DispatchClient(operator.dispatchUrl());
    NamespacedReference claims = new NamespacedReference(TEAM, "claims");
    createWebhook("slow", slow, claims);
    createWebhook("stuck", stuck, claims);
    client.resource(mailbox(TEAM, "claims")).create();
    client.resource(rule(TEAM, "to-slow", "claims", RuleAction.useWebhook(ADMIN, "slow"))).create();
    client
        .resource(rule(TEAM, "to-stuck", "claims", RuleAction.useWebhook(ADMIN, "stuck")))
        .create();
    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () ->
                dispatch
                        .post(
                            "/v1/rules/team/to-slow/messages",
                            message("warm-up", "x", "a@customer.example"))
                        .statusCode()
                    == 200);
    for (String name : List.of("slow", "stuck")) {
      operator.awaitCondition(
          Webhook.class,
          ADMIN,
          name,
          w -> w.getStatus().getConditions(),
          "TestSucceeded",
          condition -> "True".equals(condition.getStatus()));
    }
    slow.respond(
        HttpsEndpoint.json(200, OK).newBuilder().headersDelay(2, TimeUnit.SECONDS).build());
    stuck.respond(
        HttpsEndpoint.json(200, OK).newBuilder().headersDelay(30, TimeUnit.SECONDS).build());

    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      inFlight.add(
          dispatch.postAsync(
              "/v1/rules/team/to-slow/messages", message("drain-" + i, "x", "a@customer.example")));
    }
    CompletableFuture<HttpResponse<String>> outlasting =
        dispatch.postAsync(
            "/v1/rules/team/to-stuck/messages", message("outlasting", "x", "a@customer.example"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                slow.requests().size() >= IN_FLIGHT
                    && !stuck.requests().isEmpty()
                    && stuck.requests().stream()
                        .anyMatch(r -> r.getBody().utf8().contains("outlasting")));

    CompletableFuture<Void> shutdown = CompletableFuture.runAsync(operator::shutdownGracefully);
    await().atMost(Duration.ofSeconds(1)).until(() -> probe(operator, "/readyz") == 503);
    assertError(
        dispatch.post(
            "/v1/rules/team/to-slow/messages", message("late", "x", "a@customer.example")),
        503,
        "the operator is shutting down; send the message to another replica");

    for (CompletableFuture<HttpResponse<String>> answer : inFlight) {
      HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(json(response).at("/deliveries/0/outcome").asText()).isEqualTo("Succeeded");
    }
    HttpResponse<String> cut = outlasting.get(10, TimeUnit.SECONDS);
    JsonNode report = json(cut);
    assertThat(cut.statusCode()).isEqualTo(200);
    assertThat(report.get("complete").asBoolean()).isFalse();
    assertThat(report.at("/deliveries/0/message").asText())
        .isEqualTo("Connection error: Cut short: the operator is shutting down");
    shutdown.get(15, TimeUnit.SECONDS);
  }

  private static void createWebhook(
      String name, HttpsEndpoint endpoint, NamespacedReference mailbox) {
    client.resource(secret(ADMIN, name + "-ca", Map.of("ca.crt", endpoint.caPem()))).create();
    Webhook webhook = webhook(ADMIN, name, endpoint.url("/" + name), null, mailbox);
    webhook.getSpec().setCaBundleRef(new SecretKeyReference(name + "-ca", "ca.crt"));
    client.resource(webhook).create();
  }

  private static int probe(OperatorFixture operator, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(operator.healthUrl() + path))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
