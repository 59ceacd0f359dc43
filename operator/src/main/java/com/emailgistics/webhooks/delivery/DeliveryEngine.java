package com.emailgistics.webhooks.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Delivers a payload with the product's retry rules, asynchronously: waiting for a slow endpoint
 * or between attempts holds no thread, so thousands of deliveries can be in flight at once.
 */
public final class DeliveryEngine {
  private final WebhookHttpClient http;
  private final RetryPolicy retryPolicy;

  public DeliveryEngine(WebhookHttpClient http, RetryPolicy retryPolicy) {
    this.http = http;
    this.retryPolicy = retryPolicy;
  }

  public CompletableFuture<DeliveryResult> deliver(WebhookEndpoint endpoint, byte[] payload) {
    return attempt(endpoint, payload, 1, System.nanoTime());
  }

  private CompletableFuture<DeliveryResult> attempt(WebhookEndpoint endpoint, byte[] payload, int attempt, long start) {
    return http.post(endpoint, payload).thenCompose(exchange -> {
      Optional<Duration> delay = retryPolicy.retryDelay(attempt, exchange);
      if (delay.isEmpty()) {
        return CompletableFuture.completedFuture(conclude(endpoint, exchange, attempt, start));
      }
      Executor later = CompletableFuture.delayedExecutor(delay.get().toMillis(), TimeUnit.MILLISECONDS);
      return CompletableFuture.supplyAsync(() -> null, later)
          .thenCompose(ignored -> attempt(endpoint, payload, attempt + 1, start));
    });
  }

  private static DeliveryResult conclude(WebhookEndpoint endpoint, HttpExchange exchange, int attempts, long start) {
    long duration = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    Redactor redactor = new Redactor(endpoint.bearerToken());
    String afterRetries = attempts > 1 ? " (after " + attempts + " attempts)" : "";
    if (!exchange.connected()) {
      return new DeliveryResult(DeliveryOutcome.Failed, Outcome.ConnectionError, attempts, null,
          redactor.redact("Connection error: " + exchange.connectionError()) + afterRetries, duration, List.of());
    }
    EnvelopeVerdict verdict = EnvelopeValidator.validate(exchange.status(), exchange.body());
    DeliveryOutcome outcome = switch (verdict.outcome()) {
      case Succeeded -> DeliveryOutcome.Succeeded;
      case HTTPStatus -> DeliveryOutcome.Failed;
      default -> DeliveryOutcome.EndpointError;
    };
    String message = redactor.redact(verdict.message()) + (outcome == DeliveryOutcome.Failed ? afterRetries : "");
    return new DeliveryResult(
        outcome, verdict.outcome(), attempts, exchange.status(), message, duration, verdict.actions());
  }
}
