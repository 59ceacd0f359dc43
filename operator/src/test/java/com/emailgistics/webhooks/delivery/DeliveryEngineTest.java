package com.emailgistics.webhooks.delivery;

import static com.emailgistics.webhooks.testing.HttpsEndpoint.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.eventloop.EventLoops;
import com.emailgistics.webhooks.message.SampleMessage;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The retry and validation rules of spec section 7, against real HTTPS endpoints. */
class DeliveryEngineTest {
  private static final EventLoops LOOPS = EventLoops.start("test", 1);
  private static final String OK =
      "{\"status\":\"success\",\"message\":\"done\",\"actions\":[{\"type\":\"tag\",\"value\":{\"tags\":[\"VIP\"]}}]}";

  /** What dispatch sends (the endpoints check every payload against the payload schema). */
  private static final Buffer PAYLOAD =
      PayloadWriter.write(SampleMessage.MESSAGE, new PayloadOptions(true, true));

  private static final DeliveryEngine ENGINE = engine(EgressPolicy.BUILT_IN);
  private HttpsEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    endpoint = new HttpsEndpoint();
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @AfterAll
  static void shutdown() {
    LOOPS.close();
  }

  private static DeliveryEngine engine(EgressPolicy egress) {
    return new DeliveryEngine(
        new WebhookHttpClient(
            LOOPS.lanes().get(0),
            "Emailgistics/test",
            new WebhookHttpClient.ClientSettings(10, true, 100, EventLoops.tlsEngine(), egress)),
        new RetryPolicy(Clock.systemUTC()));
  }

  /** Delivers on the engine's event loop, as dispatch does, and waits for the result. */
  private static DeliveryResult deliver(
      DeliveryEngine engine, WebhookEndpoint target, Deadline deadline) {
    CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
    LOOPS
        .lanes()
        .get(0)
        .runOnContext(
            onLane ->
                engine
                    .deliver(target, "msg_engine_test", PAYLOAD, deadline)
                    .onComplete(done -> result.complete(done.result())));
    return result.join();
  }

  private static DeliveryResult deliver(WebhookEndpoint target, Deadline deadline) {
    return deliver(ENGINE, target, deadline);
  }

  private static DeliveryResult deliver(WebhookEndpoint target) {
    return deliver(target, Deadline.in(Duration.ofMinutes(5), "the test's deadline"));
  }

  private WebhookEndpoint target(Duration timeout) {
    return new WebhookEndpoint(
        endpoint.url("/hook"),
        Optional.of("t0ken-Value!2024"),
        Optional.of(endpoint.caPem()),
        timeout,
        Optional.empty());
  }

  private DeliveryResult deliver() {
    return deliver(target(Duration.ofSeconds(10)));
  }

  @Test
  void serverErrorsAreRetriedUntilSuccessOnTheThirdAttempt() {
    endpoint.script(json(500, "{}"), json(503, "busy"), json(200, OK));

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Succeeded);
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(result.httpStatus()).isEqualTo(200);
    assertThat(result.message()).isEqualTo("done");
    assertThat(result.actions()).hasSize(1);
    assertThat(endpoint.requests())
        .hasSize(3)
        .extracting(r -> r.getBody().utf8())
        .containsOnly(PAYLOAD.toString(StandardCharsets.UTF_8));
    assertThat(endpoint.millisBetween(0, 1)).isBetween(900L, 2500L);
    assertThat(endpoint.millisBetween(1, 2)).isBetween(1900L, 3500L);
  }

  /**
   * Beyond 64 distinct CA bundles the least recently used clients are retired, but never one with a
   * delivery in flight: that delivery completes, on its first attempt.
   */
  @Test
  void aCaBundlePushedOutWhileItsDeliveryIsInFlightStillDelivers() throws Exception {
    endpoint.respond(json(200, OK).newBuilder().headersDelay(2, TimeUnit.SECONDS).build());
    CompletableFuture<DeliveryResult> inFlight =
        CompletableFuture.supplyAsync(() -> deliver(withOwnBundle(endpoint, "slow")));
    await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.requests().size() == 1);

    try (HttpsEndpoint fast = new HttpsEndpoint()) {
      fast.respond(200, OK);
      for (int i = 0; i <= WebhookHttpClient.MAX_TRUST_CLIENTS; i++) {
        assertThat(deliver(withOwnBundle(fast, "bundle-" + i)).outcome())
            .isEqualTo(DeliveryOutcome.Succeeded);
      }
    }

    DeliveryResult slow = inFlight.join();
    assertThat(slow.outcome()).as(slow.message()).isEqualTo(DeliveryOutcome.Succeeded);
    assertThat(slow.attempts()).isEqualTo(1);
  }

  /** {@code endpoint}, trusted through a CA bundle no other target has. */
  private static WebhookEndpoint withOwnBundle(HttpsEndpoint endpoint, String name) {
    return new WebhookEndpoint(
        endpoint.url("/hook"),
        Optional.of("t0ken-Value!2024"),
        Optional.of(
            endpoint.caPem()
                + new HeldCertificate.Builder().commonName(name).build().certificatePem()),
        Duration.ofSeconds(10),
        Optional.empty());
  }

  @Test
  void threeServerErrorsFailAfterRetries() {
    endpoint.respond(502, "bad gateway");

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Failed);
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(result.message())
        .startsWith("Endpoint answered HTTP 502 (expected 200)")
        .endsWith("(after 3 attempts)");
    assertThat(endpoint.requests()).hasSize(3);
  }

  @Test
  void tooManyRequestsWaitsForRetryAfterCappedAtTenSeconds() {
    endpoint.script(
        new MockResponse.Builder().code(429).setHeader("Retry-After", "30").build(), json(200, OK));

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Succeeded);
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(endpoint.millisBetween(0, 1)).isBetween(9_500L, 12_000L);
  }

  @Test
  void clientErrorGetsOneAttempt() {
    endpoint.respond(404, "{\"status\":\"error\",\"message\":\"no such hook\"}");

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Failed);
    assertThat(result.category()).isEqualTo(Outcome.HTTPStatus);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.httpStatus()).isEqualTo(404);
    assertThat(endpoint.requests()).hasSize(1);
  }

  @Test
  void timeoutIsAConnectionErrorAndRetried() {
    endpoint.respond(
        new MockResponse.Builder().code(200).body(OK).headersDelay(3, TimeUnit.SECONDS).build());

    DeliveryResult result = deliver(target(Duration.ofSeconds(1)));

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Failed);
    assertThat(result.category()).isEqualTo(Outcome.ConnectionError);
    assertThat(result.message()).startsWith("Connection error: Timed out after 1s");
    assertThat(result.attempts()).isEqualTo(3);
  }

  @Test
  void endpointOfferingOnlyTls11IsRefused() throws Exception {
    try (HttpsEndpoint legacy = new HttpsEndpoint(new String[] {"TLSv1.1"})) {
      WebhookEndpoint target =
          new WebhookEndpoint(
              legacy.url("/hook"),
              Optional.empty(),
              Optional.of(legacy.caPem()),
              Duration.ofSeconds(5),
              Optional.empty());

      DeliveryResult result = deliver(target);

      assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Failed);
      assertThat(result.message()).startsWith("Connection error: TLS handshake failed");
      assertThat(legacy.requests()).isEmpty();
    }
  }

  @Test
  void sameEndpointWithModernTlsIsAccepted() throws Exception {
    try (HttpsEndpoint modern = new HttpsEndpoint(new String[] {"TLSv1.1", "TLSv1.2"})) {
      WebhookEndpoint target =
          new WebhookEndpoint(
              modern.url("/hook"),
              Optional.empty(),
              Optional.of(modern.caPem()),
              Duration.ofSeconds(5),
              Optional.empty());

      assertThat(deliver(target).outcome()).isEqualTo(DeliveryOutcome.Succeeded);
      assertThat(modern.lastRequest().getHandshake().tlsVersion().javaName()).isEqualTo("TLSv1.2");
    }
  }

  @Test
  void untrustedCertificateIsRefused() {
    WebhookEndpoint untrusted =
        new WebhookEndpoint(
            endpoint.url("/hook"),
            Optional.empty(),
            Optional.empty(),
            Duration.ofSeconds(5),
            Optional.empty());

    DeliveryResult result = deliver(untrusted);

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Failed);
    assertThat(result.message()).startsWith("Connection error: TLS handshake failed");
    assertThat(endpoint.requests()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "https://169.254.169.254/latest/meta-data, 169.254.169.254, a link-local address",
    "https://[fe80::1]:8443/hook, fe80:0:0:0:0:0:0:1, a link-local address",
    "https://[::ffff:169.254.169.254]/hook, 169.254.169.254, a link-local address",
    "https://0.0.0.0:8443/hook, 0.0.0.0, the unspecified address",
    "https://224.0.0.1/hook, 224.0.0.1, a multicast address"
  })
  void deliveriesToMetadataServicesAndOtherNonUnicastAddressesAreRefusedWithoutConnecting(
      String url, String address, String why) {
    WebhookEndpoint target =
        new WebhookEndpoint(
            url, Optional.empty(), Optional.empty(), Duration.ofSeconds(5), Optional.empty());

    DeliveryResult result = deliver(target);

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Failed);
    assertThat(result.category()).isEqualTo(Outcome.ConnectionError);
    assertThat(result.attempts()).as("a refusal is final").isEqualTo(1);
    assertThat(result.message())
        .startsWith("Connection error: Refused to connect to ")
        .contains("(" + address + "): " + why);
  }

  /**
   * Denied ranges are judged on the address the endpoint's name resolves to when connecting: the
   * URL says "localhost", the connection would go to 127.0.0.1, and that is what is refused. An
   * allowed range wins over the denial.
   */
  @Test
  void configuredRangesAreCheckedOnTheAddressTheNameResolvesTo() {
    endpoint.respond(200, OK);
    Deadline deadline = Deadline.in(Duration.ofMinutes(1), "the test's deadline");
    List<AddressRange> loopback =
        List.of(AddressRange.parse("127.0.0.0/8"), AddressRange.parse("::1/128"));

    DeliveryResult refused =
        deliver(
            engine(new EgressPolicy(loopback, List.of())), target(Duration.ofSeconds(5)), deadline);

    assertThat(refused.outcome()).isEqualTo(DeliveryOutcome.Failed);
    assertThat(refused.category()).isEqualTo(Outcome.ConnectionError);
    assertThat(refused.attempts()).isEqualTo(1);
    assertThat(refused.message())
        .startsWith("Connection error: Refused to connect to localhost (")
        .containsPattern("\\((127\\.0\\.0\\.1|0:0:0:0:0:0:0:1)\\): in the denied range ");
    assertThat(endpoint.requests()).isEmpty();

    DeliveryResult allowed =
        deliver(
            engine(
                new EgressPolicy(
                    loopback,
                    List.of(AddressRange.parse("127.0.0.1/32"), AddressRange.parse("::1/128")))),
            target(Duration.ofSeconds(5)),
            deadline);

    assertThat(allowed.outcome()).isEqualTo(DeliveryOutcome.Succeeded);
    assertThat(endpoint.requests()).hasSize(1);
  }

  @Test
  void malformedJsonIsAnEndpointErrorWithoutRetry() {
    endpoint.respond(200, "{not json");

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.EndpointError);
    assertThat(result.category()).isEqualTo(Outcome.MalformedJSON);
    assertThat(result.attempts()).isEqualTo(1);
  }

  @Test
  void statusErrorIsALogicalFailureWhoseActionsAreIgnored() {
    endpoint.respond(
        200,
        "{\"status\":\"error\",\"message\":\"CRM service unavailable.\",\"actions\":[{\"type\":\"tag\"}]}");

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.EndpointError);
    assertThat(result.message()).isEqualTo("CRM service unavailable.");
    assertThat(result.actions()).isEmpty();
    assertThat(result.attempts()).isEqualTo(1);
  }

  @Test
  void anEndpointsTextIsKeptRedactedAndShortened() {
    String secretEcho = "x".repeat(DeliveryEngine.MAX_ENDPOINT_TEXT - 5) + "t0ken-Value!2024";
    endpoint.respond(
        200, "{\"status\":\"error\",\"message\":\"" + secretEcho + "y".repeat(200_000) + "\"}");

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.EndpointError);
    assertThat(result.message())
        .hasSize(DeliveryEngine.MAX_ENDPOINT_TEXT + 3)
        .endsWith("x[REDA...")
        .doesNotContain("t0k");
  }

  @Test
  void statusOtherThanSuccessOrErrorIsALogicalFailure() {
    endpoint.respond(
        200, "{\"status\":\"SUCCESS\",\"message\":\"m\",\"actions\":[{\"type\":\"tag\"}]}");

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.EndpointError);
    assertThat(result.category()).isEqualTo(Outcome.InvalidStatus);
    assertThat(result.actions()).isEmpty();
  }

  @Test
  void redirectIsNotFollowed() {
    endpoint.respond(
        new MockResponse.Builder().code(307).setHeader("Location", endpoint.url("/other")).build());

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Failed);
    assertThat(result.httpStatus()).isEqualTo(307);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(endpoint.requests())
        .extracting(r -> r.getUrl().encodedPath())
        .containsExactly("/hook");
  }

  @Test
  void requestCarriesTheProductHeaders() {
    deliver();

    var headers = endpoint.lastRequest().getHeaders();
    assertThat(headers.get("User-Agent")).isEqualTo("Emailgistics/test");
    assertThat(headers.get("Content-Type")).isEqualTo("application/json");
    assertThat(headers.get("Authorization")).isEqualTo("Bearer t0ken-Value!2024");
    assertThat(endpoint.lastRequest().getBody().utf8())
        .isEqualTo(PAYLOAD.toString(StandardCharsets.UTF_8));
  }

  @Test
  void noSecretMeansNoAuthorizationHeader() {
    deliver(
        new WebhookEndpoint(
            endpoint.url("/hook"),
            Optional.empty(),
            Optional.of(endpoint.caPem()),
            Duration.ofSeconds(5),
            Optional.empty()));

    assertThat(endpoint.lastRequest().getHeaders().get("Authorization")).isNull();
  }

  @Test
  void http2IsUsedWhenTheEndpointOffersIt() {
    assertThat(deliver().outcome()).isEqualTo(DeliveryOutcome.Succeeded);

    assertThat(endpoint.lastRequest().getRequestLine()).endsWith("HTTP/2");
  }

  @Test
  void answerOverOneMebibyteIsRefusedUnread() {
    endpoint.respond(
        200,
        "{\"status\":\"success\",\"message\":\""
            + "x".repeat(WebhookHttpClient.MAX_RESPONSE_BYTES)
            + "\"}");

    DeliveryResult result = deliver();

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.EndpointError);
    assertThat(result.category()).isEqualTo(Outcome.MalformedJSON);
    assertThat(result.message()).isEqualTo("Response body exceeds 1048576 bytes");
  }

  @Test
  void timeoutCoversTheBodyToo() {
    endpoint.respond(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(OK)
            .throttleBody(4, 1, TimeUnit.SECONDS)
            .build());

    DeliveryResult result =
        deliver(
            target(Duration.ofSeconds(1)),
            Deadline.in(Duration.ofSeconds(2), "the test's deadline"));

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Failed);
    assertThat(result.message()).startsWith("Connection error: Timed out after 1s");
    assertThat(result.durationMillis()).isLessThan(2_500);
  }

  @Test
  void noRetryStartsAfterTheDeadline() {
    endpoint.respond(500, "{}");

    DeliveryResult result =
        deliver(
            target(Duration.ofSeconds(5)),
            Deadline.in(Duration.ofMillis(1500), "the test's deadline"));

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.message())
        .endsWith(
            "(after 2 attempts) (not retried: the next attempt would start after the test's deadline)");
    assertThat(endpoint.requests()).hasSize(2);
  }

  @Test
  void deadlineCutShortCancelsTheAttemptInFlight() {
    endpoint.respond(
        new MockResponse.Builder().code(200).body(OK).headersDelay(10, TimeUnit.SECONDS).build());
    Deadline deadline = Deadline.in(Duration.ofMinutes(1), "the test's deadline");
    LOOPS
        .lanes()
        .get(0)
        .owner()
        .setTimer(300, id -> deadline.expire("the operator is shutting down"));
    long start = System.nanoTime();

    DeliveryResult result = deliver(target(Duration.ofSeconds(30)), deadline);

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.Failed);
    assertThat(result.message())
        .isEqualTo("Connection error: Cut short: the operator is shutting down");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
