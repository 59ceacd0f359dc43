package com.emailgistics.webhooks.tryout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.emailgistics.webhooks.config.StartupException;
import com.emailgistics.webhooks.delivery.Deadline;
import com.emailgistics.webhooks.delivery.DeliveryEngine;
import com.emailgistics.webhooks.delivery.DeliveryOutcome;
import com.emailgistics.webhooks.delivery.DeliveryResult;
import com.emailgistics.webhooks.delivery.EgressPolicy;
import com.emailgistics.webhooks.delivery.RetryPolicy;
import com.emailgistics.webhooks.delivery.WebhookEndpoint;
import com.emailgistics.webhooks.delivery.WebhookHttpClient;
import com.emailgistics.webhooks.eventloop.EventLoops;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command without a cluster, end to end: real API server, examples, sample
 * receiver, operator, test delivery and one message through dispatch.
 */
class TryOutTest {
  private static final Path ROOT =
      Path.of(System.getProperty("project.root")).toAbsolutePath().normalize();

  @Test
  void sampleMessageIsDeliveredToTheSampleReceiverAndItsActionsComeBack(@TempDir Path state)
      throws Exception {
    try (TryOut tryOut = TryOut.start(ROOT, state, 0, 0)) {
      JsonNode report = tryOut.sendSampleMessage();

      assertThat(Files.readString(state.resolve("kubeconfig"))).contains("apiVersion: v1");
      assertThat(report.at("/rules/0/name").asText()).isEqualTo("enrich-claims");
      assertThat(report.at("/rules/0/matched").asBoolean()).isTrue();
      assertThat(report.at("/deliveries/0/outcome").asText()).isEqualTo("Succeeded");
      assertThat(report.at("/deliveries/0/message").asText()).isEqualTo("Claim enriched.");
      assertThat(report.get("actions"))
          .extracting(a -> a.get("type").asText())
          .containsExactly("tag", "setCustomFields", "assign");
      assertThat(report.at("/actions/1/value/claimNumber").asText()).isEqualTo("CLM-556677");
      assertThat(report.at("/actions/2/value/mainAssignment/users/0").asText())
          .isEqualTo("Joe Cool");
    }
  }

  @Test
  void aFailedStartSaysWhyInOneLineAndLeavesNothingRunning(
      @TempDir Path state, @TempDir Path notAProject) {
    assertThatThrownBy(() -> TryOut.start(notAProject, state, 0, 0))
        .isInstanceOf(StartupException.class)
        .hasMessage(
            "no CRDs in "
                + notAProject.resolve("crds")
                + ": run the try-out from the project's root directory");

    // The kube-apiserver and etcd it had started are gone.
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().command().orElse("?")))
        .noneMatch(command -> command.endsWith("kube-apiserver") || command.endsWith("etcd"));
  }

  @Test
  void aBusyPortIsNamedWithTheSettingThatChangesIt(@TempDir Path state) throws Exception {
    try (ServerSocket busy = new ServerSocket(0)) {
      assertThatThrownBy(() -> TryOut.start(ROOT, state, busy.getLocalPort(), 0))
          .isInstanceOf(StartupException.class)
          .hasMessage(
              "port "
                  + busy.getLocalPort()
                  + " is already in use (is another try-out or operator running?);"
                  + " stop it or choose another port with EMAILGISTICS_DISPATCH_PORT");
    }
  }

  @Test
  void sampleReceiverChecksTheBearerTokenAndAnswersWithActions(@TempDir Path state)
      throws Exception {
    try (EventLoops loops = EventLoops.start("test", 1);
        SampleReceiver receiver = SampleReceiver.start(ROOT, state, "old-T0ken!a", "new-T0ken!b")) {
      DeliveryEngine engine =
          new DeliveryEngine(
              new WebhookHttpClient(
                  loops.lanes().get(0),
                  "Emailgistics/test",
                  new WebhookHttpClient.ClientSettings(
                      4, true, 10, EventLoops.tlsEngine(), EgressPolicy.BUILT_IN)),
              new RetryPolicy(Clock.systemUTC()));
      String claim =
          """
          {"id":"1","event":"received","subject":"My CLAIM","bodyText":"see CLM-123456"}""";

      DeliveryResult wrong = deliver(engine, endpoint(receiver, "guess"), claim);
      DeliveryResult oldToken = deliver(engine, endpoint(receiver, "old-T0ken!a"), claim);
      DeliveryResult newToken =
          deliver(
              engine,
              endpoint(receiver, "new-T0ken!b"),
              "{\"id\":\"2\",\"event\":\"received\",\"subject\":\"hello\"}");
      DeliveryResult futureEvent =
          deliver(
              engine, endpoint(receiver, "new-T0ken!b"), "{\"id\":\"3\",\"event\":\"archived\"}");

      assertThat(wrong.outcome()).isEqualTo(DeliveryOutcome.Failed);
      assertThat(wrong.httpStatus()).isEqualTo(401);
      assertThat(oldToken.outcome()).isEqualTo(DeliveryOutcome.Succeeded);
      assertThat(oldToken.actions())
          .extracting(a -> a.get("type").asText())
          .containsExactly("tag", "setCustomFields", "assign");
      assertThat(oldToken.actions().get(1).at("/value/claimNumber").asText())
          .isEqualTo("CLM-123456");
      assertThat(newToken.outcome()).isEqualTo(DeliveryOutcome.Succeeded);
      assertThat(newToken.actions()).isEmpty();
      assertThat(futureEvent.message()).isEqualTo("ignored event archived");
    }
  }

  /** Delivers on the engine's event loop, as dispatch does. */
  private static DeliveryResult deliver(
      DeliveryEngine engine, WebhookEndpoint endpoint, String payload) {
    CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
    engine
        .http()
        .lane()
        .runOnContext(
            onLane ->
                engine
                    .deliver(
                        endpoint,
                        "msg_tryout_test",
                        Buffer.buffer(payload),
                        Deadline.in(Duration.ofMinutes(1), "the test's deadline"))
                    .onComplete(done -> result.complete(done.result())));
    return result.join();
  }

  private static WebhookEndpoint endpoint(SampleReceiver receiver, String token) {
    return new WebhookEndpoint(
        receiver.url() + "/hook",
        Optional.of(token),
        Optional.of(receiver.caPem()),
        Duration.ofSeconds(10),
        Optional.empty());
  }
}
