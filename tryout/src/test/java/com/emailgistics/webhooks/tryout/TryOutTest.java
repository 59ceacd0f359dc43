package com.emailgistics.webhooks.tryout;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.delivery.DeliveryEngine;
import com.emailgistics.webhooks.delivery.DeliveryOutcome;
import com.emailgistics.webhooks.delivery.DeliveryResult;
import com.emailgistics.webhooks.delivery.RetryPolicy;
import com.emailgistics.webhooks.delivery.WebhookEndpoint;
import com.emailgistics.webhooks.delivery.WebhookHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command without a cluster, end to end: real API server, examples, sample
 * receiver, operator, test delivery and one message through dispatch.
 */
class TryOutTest {
  private static final Path ROOT = Path.of(System.getProperty("project.root")).toAbsolutePath().normalize();

  @Test
  void sampleMessageIsDeliveredToTheSampleReceiverAndItsActionsComeBack(@TempDir Path state) throws Exception {
    try (TryOut tryOut = TryOut.start(ROOT, state, 0, 0)) {
      JsonNode report = tryOut.sendSampleMessage();

      assertThat(Files.readString(state.resolve("kubeconfig"))).contains("apiVersion: v1");
      assertThat(report.at("/rules/0/name").asText()).isEqualTo("enrich-claims");
      assertThat(report.at("/rules/0/matched").asBoolean()).isTrue();
      assertThat(report.at("/deliveries/0/outcome").asText()).isEqualTo("Succeeded");
      assertThat(report.at("/deliveries/0/message").asText()).isEqualTo("Claim enriched.");
      assertThat(report.get("actions")).extracting(a -> a.get("type").asText())
          .containsExactly("tag", "setCustomFields", "assign");
      assertThat(report.at("/actions/1/value/claimNumber").asText()).isEqualTo("CLM-556677");
      assertThat(report.at("/actions/2/value/mainAssignment/users/0").asText()).isEqualTo("Joe Cool");
    }
  }

  @Test
  void sampleReceiverChecksTheBearerTokenAndAnswersWithActions(@TempDir Path state) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (SampleReceiver receiver = SampleReceiver.start(ROOT, state, "old-T0ken!a", "new-T0ken!b")) {
      DeliveryEngine engine = new DeliveryEngine(new WebhookHttpClient("Emailgistics/test", threads), new RetryPolicy(Clock.systemUTC()));
      byte[] claim = """
          {"id":"1","event":"received","subject":"My CLAIM","bodyText":"see CLM-123456"}""".getBytes(StandardCharsets.UTF_8);

      DeliveryResult wrong = engine.deliver(endpoint(receiver, "guess"), claim).join();
      DeliveryResult oldToken = engine.deliver(endpoint(receiver, "old-T0ken!a"), claim).join();
      DeliveryResult newToken = engine.deliver(endpoint(receiver, "new-T0ken!b"),
          "{\"id\":\"2\",\"event\":\"received\",\"subject\":\"hello\"}".getBytes(StandardCharsets.UTF_8)).join();
      DeliveryResult futureEvent = engine.deliver(endpoint(receiver, "new-T0ken!b"),
          "{\"id\":\"3\",\"event\":\"archived\"}".getBytes(StandardCharsets.UTF_8)).join();

      assertThat(wrong.outcome()).isEqualTo(DeliveryOutcome.Failed);
      assertThat(wrong.httpStatus()).isEqualTo(401);
      assertThat(oldToken.outcome()).isEqualTo(DeliveryOutcome.Succeeded);
      assertThat(oldToken.actions()).extracting(a -> a.get("type").asText()).containsExactly("tag", "setCustomFields", "assign");
      assertThat(oldToken.actions().get(1).at("/value/claimNumber").asText()).isEqualTo("CLM-123456");
      assertThat(newToken.outcome()).isEqualTo(DeliveryOutcome.Succeeded);
      assertThat(newToken.actions()).isEmpty();
      assertThat(futureEvent.message()).isEqualTo("ignored event archived");
    } finally {
      threads.shutdownNow();
    }
  }

  private static WebhookEndpoint endpoint(SampleReceiver receiver, String token) {
    return new WebhookEndpoint(receiver.url() + "/hook", Optional.of(token), Optional.of(receiver.caPem()), Duration.ofSeconds(10));
  }
}
