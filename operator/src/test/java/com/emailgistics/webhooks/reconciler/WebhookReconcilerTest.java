package com.emailgistics.webhooks.reconciler;

import static com.emailgistics.webhooks.testing.Resources.secret;
import static com.emailgistics.webhooks.testing.Resources.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookStatus;
import com.emailgistics.webhooks.api.WebhookTestResult;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.delivery.DeliveryEngine;
import com.emailgistics.webhooks.delivery.TestDelivery;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import com.emailgistics.webhooks.testing.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Test deliveries, secrets and readiness of Webhooks, with the webhooks feature switched on. */
@ExtendWith(MockApiServer.class)
class WebhookReconcilerTest {
  private static final String NS = "emailgistics-admin";
  private static final String STRONG_SECRET = "s3cret-Value!with-Symbols";
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  static KubernetesClient client;
  private static OperatorFixture operator;
  private HttpsEndpoint endpoint;
  private String name;

  @BeforeAll
  static void startOperator() {
    operator = new OperatorFixture(client, OperatorConfig.defaults().withWebhooksEnabled(true));
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  @BeforeEach
  void startEndpoint() throws Exception {
    endpoint = new HttpsEndpoint();
    name = "hook-" + NAMES.incrementAndGet();
  }

  @AfterEach
  void stopEndpoint() {
    endpoint.close();
  }

  /** A webhook trusting the endpoint's test CA, with a strong bearer secret. */
  private Webhook trustedWebhook(String secretValue) {
    client.resource(secret(NS, name + "-ca", Map.of("ca.crt", endpoint.caPem()))).create();
    Webhook webhook = webhook(NS, name, endpoint.url("/hooks/emailgistics"));
    webhook.getSpec().setCaBundleRef(new SecretKeyReference(name + "-ca", "ca.crt"));
    if (secretValue != null) {
      client.resource(secret(NS, name + "-token", Map.of("token", secretValue))).create();
      webhook.getSpec().setSecretRef(new SecretKeyReference(name + "-token", "token"));
    }
    return webhook;
  }

  private StatusCondition awaitTest(java.util.function.Predicate<StatusCondition> check) {
    return operator.awaitCondition(
        Webhook.class, NS, name, w -> conditions(w), "TestSucceeded", check);
  }

  private static java.util.List<StatusCondition> conditions(Webhook webhook) {
    return webhook.getStatus() == null ? null : webhook.getStatus().getConditions();
  }

  private StatusCondition awaitTestOutcome(String reason) {
    return awaitTest(c -> reason.equals(c.getReason()));
  }

  private WebhookStatus status() {
    return client.resources(Webhook.class).inNamespace(NS).withName(name).get().getStatus();
  }

  private static JsonNode body(RecordedRequest request) throws Exception {
    return JSON.readTree(request.getBody().utf8());
  }

  @Test
  void successfulTestSendsCannedPayloadWithBearerAndSummarisesActions() throws Exception {
    endpoint.respond(
        200,
        """
        {"status":"success","message":"sample handled","actions":[
          {"type":"tag","name":"Mark VIP","value":{"tags":["VIP"]}},
          {"type":"assign","value":{"mainAssignment":{"assignToAnyUser":true}}}]}""");
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    StatusCondition tested = awaitTest(c -> "True".equals(c.getStatus()));

    assertThat(tested.getReason()).isEqualTo("TestSucceeded");
    assertThat(tested.getMessage())
        .isEqualTo(
            TestDelivery.SUCCESS_MESSAGE
                + " Actions returned: 2 actions: tag \"Mark VIP\", assign.");
    WebhookTestResult lastTest = status().getLastTest();
    assertThat(lastTest.getMessage())
        .isEqualTo("Success! Mock request sent and webhook response received and validated.");
    assertThat(lastTest.getOutcome()).isEqualTo("Succeeded");
    assertThat(lastTest.getHttpStatus()).isEqualTo(200);
    assertThat(lastTest.getDurationMillis()).isNotNull().isNotNegative();
    assertThat(lastTest.getTime()).isNotBlank();
    assertThat(lastTest.getTrigger()).isEqualTo("Initial");
    assertThat(lastTest.getActions()).isEqualTo("2 actions: tag \"Mark VIP\", assign");
    assertThat(Resources.condition(status().getConditions(), "Ready").orElseThrow().getStatus())
        .isEqualTo("True");

    RecordedRequest request = endpoint.lastRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/hooks/emailgistics");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + STRONG_SECRET);
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(request.getHeaders().get("User-Agent")).matches("Emailgistics/\\S+");
    assertThat(request.getHandshake().tlsVersion().javaName()).isIn("TLSv1.2", "TLSv1.3");
    JsonNode payload = body(request);
    assertThat(payload.get("event").asText()).isEqualTo("received");
    assertThat(payload.get("from").get("emailAddress").get("address").asText()).contains("@");
    assertThat(payload.has("bodyText")).isFalse();
    assertThat(payload.has("customFields")).isFalse();
    for (String field :
        new String[] {
          "id",
          "internetMessageId",
          "received",
          "mailbox",
          "sender",
          "to",
          "cc",
          "subject",
          "hasAttachments",
          "timestamp",
          "conversationId"
        }) {
      assertThat(payload.has(field)).as(field).isTrue();
    }
  }

  @Test
  void includeOptionsAddBodyTextAndCustomFieldsToTheCannedPayload() throws Exception {
    Webhook webhook = trustedWebhook(STRONG_SECRET);
    webhook.getSpec().setIncludeMessageText(true);
    webhook.getSpec().setIncludeCustomFields(true);
    client.resource(webhook).create();

    awaitTestOutcome("TestSucceeded");

    JsonNode payload = body(endpoint.lastRequest());
    assertThat(payload.get("bodyText").asText()).isNotBlank();
    assertThat(payload.get("customFields").isObject()).isTrue();
    assertThat(payload.get("customFields").size()).isPositive();
  }

  @Test
  void withoutSecretTheAuthorizationHeaderIsOmittedAndAWarningIsRecorded() {
    client.resource(trustedWebhook(null)).create();

    awaitTestOutcome("TestSucceeded");

    assertThat(endpoint.lastRequest().getHeaders().get("Authorization")).isNull();
    StatusCondition strong =
        Resources.condition(status().getConditions(), "SecretStrong").orElseThrow();
    assertThat(strong.getStatus()).isEqualTo("False");
    assertThat(strong.getReason()).isEqualTo("NoSecret");
    assertThat(Resources.condition(status().getConditions(), "Ready").orElseThrow().getStatus())
        .isEqualTo("True");
    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () ->
                operator.events(NS, name).stream()
                    .anyMatch(
                        e -> "Warning".equals(e.getType()) && "NoSecret".equals(e.getReason())));
  }

  @Test
  void shortSecretWarnsButStillDelivers() {
    client.resource(trustedWebhook("Sh0rt!")).create();

    awaitTestOutcome("TestSucceeded");

    StatusCondition strong =
        Resources.condition(status().getConditions(), "SecretStrong").orElseThrow();
    assertThat(strong.getReason()).isEqualTo("SecretTooShort");
    assertThat(strong.getStatus()).isEqualTo("False");
    assertThat(endpoint.lastRequest().getHeaders().get("Authorization")).isEqualTo("Bearer Sh0rt!");
    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () ->
                operator.events(NS, name).stream()
                    .anyMatch(e -> "SecretTooShort".equals(e.getReason())));
  }

  @Test
  void secretWithoutSymbolsIsReportedAsNotMixed() {
    client.resource(trustedWebhook("onlylettersanddigits123")).create();

    awaitTestOutcome("TestSucceeded");

    assertThat(
            Resources.condition(status().getConditions(), "SecretStrong").orElseThrow().getReason())
        .isEqualTo("SecretNotMixed");
  }

  @Test
  void strongSecretIsReportedStrong() {
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    awaitTestOutcome("TestSucceeded");

    StatusCondition strong =
        Resources.condition(status().getConditions(), "SecretStrong").orElseThrow();
    assertThat(strong.getStatus()).isEqualTo("True");
    assertThat(strong.getReason()).isEqualTo("Strong");
  }

  @Test
  void missingSecretMakesTheWebhookNotReadyWithoutDelivering() {
    Webhook webhook = trustedWebhook(null);
    webhook.getSpec().setSecretRef(new SecretKeyReference("does-not-exist", "token"));
    client.resource(webhook).create();

    StatusCondition ready =
        operator.awaitCondition(
            Webhook.class,
            NS,
            name,
            w -> conditions(w),
            "Ready",
            c -> "False".equals(c.getStatus()));

    assertThat(ready.getReason()).isEqualTo("SecretNotFound");
    assertThat(ready.getMessage()).contains("does-not-exist");
    assertThat(endpoint.requests()).isEmpty();
  }

  @Test
  void missingSecretKeyIsReportedWithTheKeyName() {
    Webhook webhook = trustedWebhook(STRONG_SECRET);
    webhook.getSpec().setSecretRef(new SecretKeyReference(name + "-token", "bearer"));
    client.resource(webhook).create();

    StatusCondition ready =
        operator.awaitCondition(
            Webhook.class,
            NS,
            name,
            w -> conditions(w),
            "Ready",
            c -> "False".equals(c.getStatus()));

    assertThat(ready.getReason()).isEqualTo("SecretKeyNotFound");
    assertThat(ready.getMessage()).contains("\"bearer\"");
    assertThat(endpoint.requests()).isEmpty();
  }

  @Test
  void creatingTheMissingSecretLaterMakesTheWebhookReadyAndTestsIt() {
    Webhook webhook = webhook(NS, name, endpoint.url("/late"));
    client.resource(secret(NS, name + "-ca", Map.of("ca.crt", endpoint.caPem()))).create();
    webhook.getSpec().setCaBundleRef(new SecretKeyReference(name + "-ca", "ca.crt"));
    webhook.getSpec().setSecretRef(new SecretKeyReference(name + "-token", "token"));
    client.resource(webhook).create();
    operator.awaitCondition(
        Webhook.class,
        NS,
        name,
        w -> conditions(w),
        "Ready",
        c -> "SecretNotFound".equals(c.getReason()));

    client.resource(secret(NS, name + "-token", Map.of("token", STRONG_SECRET))).create();

    awaitTestOutcome("TestSucceeded");
    assertThat(endpoint.lastRequest().getHeaders().get("Authorization"))
        .isEqualTo("Bearer " + STRONG_SECRET);
  }

  @Test
  void secretRotationRunsANewTestCarryingTheNewValue() {
    client.resource(trustedWebhook(STRONG_SECRET)).create();
    awaitTestOutcome("TestSucceeded");
    assertThat(endpoint.requests()).hasSize(1);

    String rotated = "n3w-Rotated!Secret-value";
    client.resource(secret(NS, name + "-token", Map.of("token", rotated))).update();

    await().atMost(OperatorFixture.WAIT).until(() -> endpoint.requests().size() == 2);
    assertThat(endpoint.lastRequest().getHeaders().get("Authorization"))
        .isEqualTo("Bearer " + rotated);
    await()
        .atMost(OperatorFixture.WAIT)
        .until(() -> "SecretChanged".equals(status().getLastTest().getTrigger()));
    assertNoFurtherRequests(2);
  }

  @Test
  void secretChangeRetestsOnlyTheWebhooksUsingIt() throws Exception {
    client.resource(trustedWebhook(STRONG_SECRET)).create();
    String first = name;
    awaitTestOutcome("TestSucceeded");
    try (HttpsEndpoint otherEndpoint = new HttpsEndpoint()) {
      name = "hook-" + NAMES.incrementAndGet();
      client.resource(secret(NS, name + "-ca", Map.of("ca.crt", otherEndpoint.caPem()))).create();
      client.resource(secret(NS, name + "-token", Map.of("token", STRONG_SECRET))).create();
      Webhook other = webhook(NS, name, otherEndpoint.url("/other"));
      other.getSpec().setCaBundleRef(new SecretKeyReference(name + "-ca", "ca.crt"));
      other.getSpec().setSecretRef(new SecretKeyReference(name + "-token", "token"));
      client.resource(other).create();
      awaitTestOutcome("TestSucceeded");

      client
          .resource(secret(NS, first + "-token", Map.of("token", "r0tated-Secret!value")))
          .update();

      await().atMost(OperatorFixture.WAIT).until(() -> endpoint.requests().size() == 2);
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> otherEndpoint.requests().size() == 1);
    }
  }

  @Test
  void settledStatusIsNotPatchedAgain() {
    client.resource(trustedWebhook(STRONG_SECRET)).create();
    awaitTestOutcome("TestSucceeded");
    await().atMost(OperatorFixture.WAIT).until(() -> status().getObservedGeneration() != null);
    String version =
        client
            .resources(Webhook.class)
            .inNamespace(NS)
            .withName(name)
            .get()
            .getMetadata()
            .getResourceVersion();

    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                version.equals(
                    client
                        .resources(Webhook.class)
                        .inNamespace(NS)
                        .withName(name)
                        .get()
                        .getMetadata()
                        .getResourceVersion()));
  }

  @Test
  void annotationRequestsATestAgainOncePerValue() {
    client.resource(trustedWebhook(STRONG_SECRET)).create();
    awaitTestOutcome("TestSucceeded");
    endpoint.respond(200, "{\"status\":\"error\",\"message\":\"CRM service unavailable.\"}");

    client
        .resources(Webhook.class)
        .inNamespace(NS)
        .withName(name)
        .edit(
            w -> {
              w.getMetadata().getAnnotations().put(Webhook.TEST_REQUEST_ANNOTATION, "1");
              return w;
            });

    awaitTestOutcome("EndpointError");
    assertThat(status().getLastTest().getTrigger()).isEqualTo("Requested");
    assertNoFurtherRequests(2);
  }

  @Test
  void specChangeRunsANewTest() {
    client.resource(trustedWebhook(STRONG_SECRET)).create();
    awaitTestOutcome("TestSucceeded");

    client
        .resources(Webhook.class)
        .inNamespace(NS)
        .withName(name)
        .edit(
            w -> {
              w.getSpec().setIncludeMessageText(true);
              return w;
            });

    await().atMost(OperatorFixture.WAIT).until(() -> endpoint.requests().size() == 2);
    await()
        .atMost(OperatorFixture.WAIT)
        .until(() -> "SpecChanged".equals(status().getLastTest().getTrigger()));
    assertThat(endpoint.lastRequest().getBody().utf8()).contains("\"bodyText\"");
  }

  @Test
  void nonSuccessStatusIsReportedWithTheCode() {
    endpoint.respond(500, "{\"status\":\"error\",\"message\":\"boom\"}");
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    StatusCondition tested = awaitTestOutcome("HTTPStatus");

    assertThat(tested.getStatus()).isEqualTo("False");
    assertThat(tested.getMessage()).startsWith("Endpoint answered HTTP 500 (expected 200)");
    assertThat(status().getLastTest().getHttpStatus()).isEqualTo(500);
    assertNoFurtherRequests(1);
  }

  @Test
  void redirectIsNotFollowed() {
    endpoint.respond(
        new MockResponse.Builder()
            .code(302)
            .setHeader("Location", endpoint.url("/elsewhere"))
            .build());
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    StatusCondition tested = awaitTestOutcome("HTTPStatus");

    assertThat(tested.getMessage()).contains("HTTP 302").contains("redirects are not followed");
    assertThat(endpoint.requests())
        .extracting(r -> r.getUrl().encodedPath())
        .containsExactly("/hooks/emailgistics");
  }

  @Test
  void malformedJsonIsReported() {
    endpoint.respond(200, "{\"status\":\"success\",");
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    StatusCondition tested = awaitTestOutcome("MalformedJSON");

    assertThat(tested.getMessage()).startsWith("Response body is not valid JSON");
  }

  @Test
  void missingMessageIsReported() {
    endpoint.respond(200, "{\"status\":\"success\"}");
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    StatusCondition tested = awaitTestOutcome("MissingFields");

    assertThat(tested.getMessage())
        .isEqualTo("Response lacks the required string field(s): message");
  }

  @Test
  void endpointErrorShowsItsMessageVerbatim() {
    endpoint.respond(200, "{\"status\":\"error\",\"message\":\"CRM service unavailable.\"}");
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    StatusCondition tested = awaitTestOutcome("EndpointError");

    assertThat(tested.getMessage()).isEqualTo("CRM service unavailable.");
    assertThat(status().getLastTest().getMessage()).isEqualTo("CRM service unavailable.");
  }

  @Test
  void statusOtherThanSuccessOrErrorIsALogicalFailure() {
    endpoint.respond(200, "{\"status\":\"ok\",\"message\":\"fine\"}");
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    StatusCondition tested = awaitTestOutcome("InvalidStatus");

    assertThat(tested.getMessage()).contains("\"ok\"");
  }

  @Test
  void untrustedCertificateIsAConnectionError() {
    Webhook webhook = trustedWebhook(STRONG_SECRET);
    webhook.getSpec().setCaBundleRef(null);
    client.resource(webhook).create();

    StatusCondition tested = awaitTestOutcome("ConnectionError");

    assertThat(tested.getMessage()).startsWith("Connection error: TLS handshake failed");
    assertThat(status().getLastTest().getHttpStatus()).isNull();
  }

  @Test
  void refusedConnectionIsAConnectionError() {
    Webhook webhook = trustedWebhook(STRONG_SECRET);
    String url = endpoint.url("/closed");
    endpoint.close();
    webhook.getSpec().setUrl(url);
    client.resource(webhook).create();

    StatusCondition tested = awaitTestOutcome("ConnectionError");

    assertThat(tested.getMessage()).startsWith("Connection error: TCP connection failed");
  }

  @Test
  void unknownHostIsAConnectionError() {
    Webhook webhook = trustedWebhook(STRONG_SECRET);
    webhook.getSpec().setUrl("https://no-such-host.invalid/hook");
    client.resource(webhook).create();

    StatusCondition tested = awaitTestOutcome("ConnectionError");

    assertThat(tested.getMessage()).startsWith("Connection error: DNS lookup failed");
  }

  @Test
  void slowEndpointTimesOut() {
    endpoint.respond(
        new MockResponse.Builder()
            .code(200)
            .body("{\"status\":\"success\",\"message\":\"late\"}")
            .headersDelay(5, java.util.concurrent.TimeUnit.SECONDS)
            .build());
    Webhook webhook = trustedWebhook(STRONG_SECRET);
    webhook.getSpec().setTimeoutSeconds(1);
    client.resource(webhook).create();

    StatusCondition tested = awaitTestOutcome("ConnectionError");

    assertThat(tested.getMessage()).startsWith("Connection error: Timed out after 1s");
    assertThat(status().getLastTest().getDurationMillis()).isBetween(900L, 4000L);
  }

  @Test
  void secretValueNeverAppearsInStatusOrEventsEvenWhenTheEndpointEchoesIt() {
    endpoint.respond(
        200, "{\"status\":\"error\",\"message\":\"rejected token " + STRONG_SECRET + "\"}");
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    StatusCondition tested = awaitTestOutcome("EndpointError");

    assertThat(tested.getMessage()).isEqualTo("rejected token [REDACTED]");
    String status = new KubernetesSerialization().asJson(status());
    assertThat(status).doesNotContain(STRONG_SECRET);
    await().atMost(OperatorFixture.WAIT).until(() -> !operator.events(NS, name).isEmpty());
    for (Event event : operator.events(NS, name)) {
      assertThat(event.getMessage()).doesNotContain(STRONG_SECRET);
    }
  }

  @Test
  void aHugeAnswerFromTheEndpointIsShortenedInStatusAndEvents() {
    endpoint.respond(200, "{\"status\":\"error\",\"message\":\"" + "e".repeat(200_000) + "\"}");
    client.resource(trustedWebhook(STRONG_SECRET)).create();

    StatusCondition tested = awaitTestOutcome("EndpointError");

    assertThat(tested.getMessage()).hasSizeLessThan(1100).endsWith("e...");
    assertThat(status().getLastTest().getMessage()).hasSize(DeliveryEngine.MAX_ENDPOINT_TEXT + 3);
    await().atMost(OperatorFixture.WAIT).until(() -> !operator.events(NS, name).isEmpty());
    assertThat(operator.events(NS, name))
        .allSatisfy(event -> assertThat(event.getMessage()).hasSizeLessThan(1200));
  }

  @Test
  void invalidCaBundleIsReported() {
    client.resource(secret(NS, name + "-ca", Map.of("ca.crt", "not a certificate"))).create();
    Webhook webhook = webhook(NS, name, endpoint.url("/x"));
    webhook.getSpec().setCaBundleRef(new SecretKeyReference(name + "-ca", "ca.crt"));
    client.resource(webhook).create();

    StatusCondition ready =
        operator.awaitCondition(
            Webhook.class,
            NS,
            name,
            w -> conditions(w),
            "Ready",
            c -> "False".equals(c.getStatus()));

    assertThat(ready.getReason()).isEqualTo("InvalidCABundle");
    assertThat(endpoint.requests()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://claims_crm.internal/hook", "https://crm.example/a%zz"})
  void aUrlTheSchemaLetsThroughButNoClientCanUseIsReported(String url) {
    client.resource(webhook(NS, name, url)).create();

    StatusCondition ready =
        operator.awaitCondition(
            Webhook.class,
            NS,
            name,
            w -> conditions(w),
            "Ready",
            c -> "False".equals(c.getStatus()));

    assertThat(ready.getReason()).isEqualTo("InvalidURL");
    assertThat(ready.getMessage()).startsWith("url");
  }

  /** No test delivery loop: the request count stays put. */
  private void assertNoFurtherRequests(int expected) {
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> endpoint.requests().size() == expected);
  }
}
