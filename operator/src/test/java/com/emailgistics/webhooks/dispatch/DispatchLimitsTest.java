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

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.testing.DispatchClient;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The data plane's bounds, with small limits so they are reached: messages in flight, deliveries
 * per webhook, the message deadline, the regular-expression budget, and callers that leave.
 */
@ExtendWith(MockApiServer.class)
class DispatchLimitsTest {
  private static final String ADMIN = "admin";
  private static final String TEAM = "team";
  private static final String OK = "{\"status\":\"success\",\"message\":\"ok\"}";
  private static final int MAX_CONNECTIONS = 16;

  /**
   * Every webhook's per-attempt timeout: longer than the 3 s message deadline, short enough that a
   * test delivery to "stuck" frees its slot within the test that started it.
   */
  private static final int WEBHOOK_TIMEOUT_SECONDS = 6;

  static KubernetesClient client;
  private static OperatorFixture operator;
  private static DispatchClient dispatch;
  private static HttpsEndpoint slow;
  private static HttpsEndpoint fast;
  private static HttpsEndpoint stuck;

  @BeforeAll
  static void setUp() throws Exception {
    slow = new HttpsEndpoint();
    fast = new HttpsEndpoint();
    stuck = new HttpsEndpoint();
    operator =
        new OperatorFixture(
            client,
            OperatorConfig.fromEnvironment(
                Map.of(
                    OperatorConfig.ENABLED, "true",
                    OperatorConfig.DISPATCH_MAX_MESSAGES, "3",
                    OperatorConfig.DISPATCH_MAX_CONNECTIONS, String.valueOf(MAX_CONNECTIONS),
                    OperatorConfig.DELIVERY_MAX_PER_WEBHOOK, "1",
                    OperatorConfig.DISPATCH_DEADLINE, "3")));
    dispatch = new DispatchClient(operator.dispatchUrl());
    NamespacedReference claims = new NamespacedReference(TEAM, "claims");
    NamespacedReference regex = new NamespacedReference(TEAM, "regex");
    createWebhook("slow", slow, claims);
    createWebhook("fast", fast, claims, regex);
    createWebhook("stuck", stuck, claims);
    client.resource(mailbox(TEAM, "claims")).create();
    Mailbox regexMailbox = mailbox(TEAM, "regex");
    client.resource(regexMailbox).create();
    client.resource(rule(TEAM, "to-slow", "claims", RuleAction.useWebhook(ADMIN, "slow"))).create();
    client.resource(rule(TEAM, "to-fast", "claims", RuleAction.useWebhook(ADMIN, "fast"))).create();
    client
        .resource(
            rule(
                TEAM,
                "stuck-then-fast",
                "claims",
                RuleAction.useWebhook(ADMIN, "stuck"),
                RuleAction.useWebhook(ADMIN, "fast")))
        .create();
    client
        .resource(
            rule(
                TEAM,
                "fast-then-stuck",
                "claims",
                RuleAction.useWebhook(ADMIN, "fast"),
                RuleAction.useWebhook(ADMIN, "stuck")))
        .create();
    MailboxRule catastrophic =
        rule(TEAM, "ends-with-end", "regex", RuleAction.useWebhook(ADMIN, "fast"));
    catastrophic
        .getSpec()
        .setConditions(
            new ArrayList<>(
                List.of(new RuleCondition(RuleConditionType.BodyMatches, "^(.|\\s)*END$"))));
    client.resource(catastrophic).create();

    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () ->
                dispatch
                        .post(
                            "/v1/rules/team/to-fast/messages",
                            message("warm-up", "hello", "someone@customer.example"))
                        .statusCode()
                    == 200);
    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () ->
                dispatch
                        .post(
                            "/v1/mailboxes/regex@insurer.example/messages",
                            message("warm-up-2", "hello", "someone@customer.example"))
                        .statusCode()
                    == 200);
    // Test deliveries hold a delivery slot too: let them finish before the endpoints turn slow.
    for (String name : List.of("slow", "fast", "stuck")) {
      operator.awaitCondition(
          Webhook.class,
          ADMIN,
          name,
          w -> w.getStatus().getConditions(),
          "TestSucceeded",
          condition -> "True".equals(condition.getStatus()));
    }
    slow.respond(
        HttpsEndpoint.json(200, OK).newBuilder().headersDelay(1500, TimeUnit.MILLISECONDS).build());
    stuck.respond(
        HttpsEndpoint.json(200, OK).newBuilder().headersDelay(20, TimeUnit.SECONDS).build());
  }

  @AfterAll
  static void tearDown() {
    operator.close();
    slow.close();
    fast.close();
    stuck.close();
  }

  private static void createWebhook(
      String name, HttpsEndpoint endpoint, NamespacedReference... mailboxes) {
    client.resource(secret(ADMIN, name + "-ca", Map.of("ca.crt", endpoint.caPem()))).create();
    Webhook webhook = webhook(ADMIN, name, endpoint.url("/" + name), null, mailboxes);
    webhook.getSpec().setCaBundleRef(new SecretKeyReference(name + "-ca", "ca.crt"));
    webhook.getSpec().setTimeoutSeconds(WEBHOOK_TIMEOUT_SECONDS);
    client.resource(webhook).create();
  }

  @Test
  void aWebhookAtItsLimitGets503ForTheNextMessageWhileOtherWebhooksGoOn() throws Exception {
    CompletableFuture<HttpResponse<String>> first =
        dispatch.postAsync(
            "/v1/rules/team/to-slow/messages", message("limit-1", "x", "a@customer.example"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> slow.requests().stream().anyMatch(r -> r.getBody().utf8().contains("limit-1")));

    HttpResponse<String> second =
        dispatch.post(
            "/v1/rules/team/to-slow/messages", message("limit-2", "x", "a@customer.example"));
    HttpResponse<String> other =
        dispatch.post(
            "/v1/rules/team/to-fast/messages", message("limit-3", "x", "a@customer.example"));

    assertError(second, 503, "Webhook admin/slow has 1 deliveries in flight (its limit)");
    assertThat(second.headers().firstValue("Retry-After")).contains("1");
    assertThat(json(other).at("/deliveries/0/outcome").asText()).isEqualTo("Succeeded");
    assertThat(json(first.get(10, TimeUnit.SECONDS)).at("/deliveries/0/outcome").asText())
        .isEqualTo("Succeeded");
    assertThat(slow.requests()).noneMatch(r -> r.getBody().utf8().contains("limit-2"));
  }

  @Test
  void messagesBeyondTheLimitGet503UntilOnesInFlightFinish() throws Exception {
    URI target = URI.create(operator.dispatchUrl());
    List<Socket> holding = new ArrayList<>();
    try {
      // Three messages whose bodies are still on their way hold the three message slots.
      for (int i = 0; i < 3; i++) {
        Socket socket = new Socket(target.getHost(), target.getPort());
        socket
            .getOutputStream()
            .write(
                ("POST /v1/rules/team/to-fast/messages HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: Bearer "
                        + OperatorFixture.DISPATCH_TOKEN
                        + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 500\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
        holding.add(socket);
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  dispatch
                          .post(
                              "/v1/rules/team/to-fast/messages",
                              message("full", "x", "a@customer.example"))
                          .statusCode()
                      == 503);

      HttpResponse<String> refused =
          dispatch.post(
              "/v1/rules/team/to-fast/messages", message("full-2", "x", "a@customer.example"));

      assertError(refused, 503, "the operator has 3 messages in flight (limit 3");
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
    } finally {
      for (Socket socket : holding) {
        socket.close();
      }
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                dispatch
                        .post(
                            "/v1/rules/team/to-fast/messages",
                            message("after", "x", "a@customer.example"))
                        .statusCode()
                    == 200);
  }

  @Test
  void connectionsBeyondTheLimitAreAnswered503AndClosed() throws Exception {
    URI target = URI.create(operator.dispatchUrl());
    List<Socket> held = new ArrayList<>();
    try {
      // Connections served once stay open (keep-alive) and count; the test's HTTP client may hold
      // a few more, so at least the last 8 of these are beyond the limit.
      List<String> statusLines = new ArrayList<>();
      List<String> refusals = new ArrayList<>();
      for (int i = 0; i < MAX_CONNECTIONS + 8; i++) {
        Socket socket = new Socket(target.getHost(), target.getPort());
        socket.setSoTimeout(10_000);
        held.add(socket);
        socket
            .getOutputStream()
            .write(
                "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        String answer = readResponse(socket);
        statusLines.add(answer.lines().findFirst().orElse(""));
        if (answer.startsWith("HTTP/1.1 503")) {
          assertThat(socket.getInputStream().read())
              .as("connection closed after the 503")
              .isEqualTo(-1);
          refusals.add(answer);
        }
      }

      assertThat(statusLines.subList(0, MAX_CONNECTIONS - 4))
          .allMatch(line -> line.startsWith("HTTP/1.1 200"));
      assertThat(statusLines.subList(MAX_CONNECTIONS, MAX_CONNECTIONS + 8))
          .allMatch(line -> line.startsWith("HTTP/1.1 503"));
      assertThat(refusals)
          .allSatisfy(
              answer ->
                  assertThat(answer)
                      .containsIgnoringCase("connection: close")
                      .containsIgnoringCase("retry-after: 1")
                      .contains(
                          "the dispatch endpoint has 16 connections open (its limit); retry on a new connection later"));
      assertThat(operator.metrics())
          .containsPattern("emailgistics_dispatch_connections_refused_total [1-9]");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                dispatch
                        .post(
                            "/v1/rules/team/to-fast/messages",
                            message("reconnected", "x", "a@customer.example"))
                        .statusCode()
                    == 200);
  }

  /**
   * One HTTP/1.1 response with a Content-Length body, read without waiting for the connection to
   * close.
   */
  private static String readResponse(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
    return head + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
  }

  @Test
  void theDeadlineCutsAMessageShortAndTheAnswerListsWhatDidNotRun() throws Exception {
    long start = System.nanoTime();

    HttpResponse<String> response =
        dispatch.post(
            "/v1/rules/team/stuck-then-fast/messages", message("late", "x", "a@customer.example"));

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(2900), Duration.ofSeconds(6));
    JsonNode report = json(response);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(report.get("complete").asBoolean()).isFalse();
    assertThat(report.at("/deliveries/0/webhook/name").asText()).isEqualTo("stuck");
    assertThat(report.at("/deliveries/0/outcome").asText()).isEqualTo("Failed");
    assertThat(report.at("/deliveries/0/message").asText())
        .contains("cut short: the message deadline of 3 s passed");
    assertThat(report.at("/deliveries/1/webhook/name").asText()).isEqualTo("fast");
    assertThat(report.at("/deliveries/1/outcome").asText()).isEqualTo("NotAttempted");
    assertThat(report.at("/deliveries/1/message").asText())
        .isEqualTo(
            "DeadlineExceeded: the message deadline of 3 s passed before this delivery could start");
    assertThat(fast.requests()).noneMatch(r -> r.getBody().utf8().contains("\"late\""));
    assertThat(operator.metrics())
        .containsPattern(
            "emailgistics_deliveries_not_attempted_total\\{reason=\"DeadlineExceeded\"} [1-9]");
  }

  @Test
  void aLaterDeliveryWaitsForASlotOnlyUntilTheDeadline() throws Exception {
    // A test delivery (bound by the Webhook's timeout, not by a message deadline) takes the only
    // slot of "stuck".
    int before = stuck.requests().size();
    client
        .resources(Webhook.class)
        .inNamespace(ADMIN)
        .withName("stuck")
        .edit(
            w -> {
              w.getMetadata()
                  .getAnnotations()
                  .put(Webhook.TEST_REQUEST_ANNOTATION, Instant.now().toString());
              return w;
            });
    await().atMost(Duration.ofSeconds(5)).until(() -> stuck.requests().size() > before);
    long start = System.nanoTime();

    HttpResponse<String> response =
        dispatch.post(
            "/v1/rules/team/fast-then-stuck/messages", message("waits", "x", "a@customer.example"));

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(2900), Duration.ofSeconds(5));
    JsonNode report = json(response);
    assertThat(report.get("complete").asBoolean()).isFalse();
    assertThat(report.at("/deliveries/0/outcome").asText()).isEqualTo("Succeeded");
    assertThat(report.at("/deliveries/1/outcome").asText()).isEqualTo("NotAttempted");
    assertThat(report.at("/deliveries/1/message").asText())
        .isEqualTo(
            "DeadlineExceeded: the message deadline of 3 s"
                + " passed while waiting for a free delivery slot of Webhook admin/stuck");
    assertThat(stuck.requests()).noneMatch(r -> r.getBody().utf8().contains("\"waits\""));
    // The test delivery ends (timed out), freeing the slot for the other tests.
    operator.awaitCondition(
        Webhook.class,
        ADMIN,
        "stuck",
        w -> w.getStatus().getConditions(),
        "TestSucceeded",
        condition -> "False".equals(condition.getStatus()));
  }

  @Test
  void aCatastrophicPatternOnAHugeBodyIsAnsweredWithinASecond() throws Exception {
    String body =
        message("huge", "x", "a@customer.example")
            .replace("\"Please update CLM-1\"", "\"" + "a".repeat(100_000) + "\"");
    long start = System.nanoTime();

    HttpResponse<String> response =
        dispatch.post("/v1/mailboxes/regex@insurer.example/messages", body);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode rule = json(response).at("/rules/0");
    assertThat(rule.get("matched").asBoolean()).isFalse();
    assertThat(rule.get("reason").asText())
        .isEqualTo(
            "condition conditions[0] (BodyMatches) is counted as not matched"
                + " (match All); conditions[0] (BodyMatches): the regular expression exceeded its budget on this message and was"
                + " counted as not matching");
    assertThat(operator.metrics())
        .containsPattern("emailgistics_rule_regex_budget_exceeded_total [1-9]");
  }

  @Test
  void aCallerThatLeavesIsCountedAndItsRemainingDeliveriesAreNotMade() throws Exception {
    URI target = URI.create(operator.dispatchUrl());
    String body = message("left", "x", "a@customer.example");
    try (Socket socket = new Socket(target.getHost(), target.getPort())) {
      socket
          .getOutputStream()
          .write(
              ("POST /v1/rules/team/stuck-then-fast/messages HTTP/1.1\r\nHost: x\r\n"
                      + "Authorization: Bearer "
                      + OperatorFixture.DISPATCH_TOKEN
                      + "\r\nContent-Type: application/json\r\n"
                      + "Content-Length: "
                      + body.getBytes(StandardCharsets.UTF_8).length
                      + "\r\n\r\n"
                      + body)
                  .getBytes(StandardCharsets.UTF_8));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  stuck.requests().stream().anyMatch(r -> r.getBody().utf8().contains("\"left\"")));
    }

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                operator.metrics().contains("emailgistics_dispatch_caller_disconnects_total 1.0"));
    Thread.sleep(500);
    assertThat(fast.requests()).noneMatch(r -> r.getBody().utf8().contains("\"left\""));
  }
}
