package com.emailgistics.webhooks.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Posts a payload and judges the answer, with the product's retry rules for deliveries and a single
 * attempt for test deliveries: the one path both take. Waiting for a slow endpoint or between
 * attempts holds no thread. Runs on its client's lane.
 */
public final class DeliveryEngine {
  /**
   * Characters of an endpoint's text (its message, an excerpt of its body, a connection error) kept
   * in a result, which reaches status, Events, the history and the dispatch answer.
   */
  public static final int MAX_ENDPOINT_TEXT = 1024;

  private final WebhookHttpClient http;
  private final RetryPolicy retryPolicy;

  public DeliveryEngine(WebhookHttpClient http, RetryPolicy retryPolicy) {
    this.http = http;
    this.retryPolicy = retryPolicy;
  }

  public WebhookHttpClient http() {
    return http;
  }

  /**
   * Up to {@link RetryPolicy#MAX_ATTEMPTS} attempts within {@code deadline}. Call on the lane; the
   * future completes there and never fails.
   */
  public Future<DeliveryResult> deliver(
      WebhookEndpoint endpoint, String deliveryId, Buffer payload, Deadline deadline) {
    Promise<DeliveryResult> result = Promise.promise();
    attempt(
        endpoint,
        deliveryId,
        payload,
        deadline,
        RetryPolicy.MAX_ATTEMPTS,
        1,
        System.nanoTime(),
        result);
    return result.future();
  }

  /** One attempt, as the "Test Webhook" button makes. */
  public Future<DeliveryResult> deliverOnce(
      WebhookEndpoint endpoint, String deliveryId, Buffer payload) {
    Promise<DeliveryResult> result = Promise.promise();
    attempt(endpoint, deliveryId, payload, Deadline.none(), 1, 1, System.nanoTime(), result);
    return result.future();
  }

  private void attempt(
      WebhookEndpoint endpoint,
      String deliveryId,
      Buffer payload,
      Deadline deadline,
      int maxAttempts,
      int attempt,
      long start,
      Promise<DeliveryResult> result) {
    long timeout = Math.min(endpoint.timeout().toMillis(), deadline.remainingMillis());
    http.post(endpoint, deliveryId, payload, timeout, deadline)
        .onComplete(
            done -> {
              EndpointAnswer answer = done.result();
              Optional<Duration> delay =
                  attempt < maxAttempts
                      ? retryPolicy.retryDelay(attempt, answer)
                      : Optional.empty();
              if (delay.isEmpty() || deadline.remainingMillis() <= delay.get().toMillis()) {
                // A failure that the deadline caused says so already.
                String notRetried =
                    delay.isEmpty() || deadline.passed() && !answer.connected()
                        ? null
                        : deadline.passed()
                            ? deadline.reason()
                            : "the next attempt would start after " + deadline.description();
                result.complete(conclude(endpoint, answer, attempt, start, notRetried));
                return;
              }
              long timer =
                  http.lane()
                      .owner()
                      .setTimer(
                          Math.max(1, delay.get().toMillis()),
                          id -> {
                            deadline.clearHook();
                            attempt(
                                endpoint,
                                deliveryId,
                                payload,
                                deadline,
                                maxAttempts,
                                attempt + 1,
                                start,
                                result);
                          });
              deadline.onExpire(
                  () -> {
                    http.lane().owner().cancelTimer(timer);
                    result.complete(conclude(endpoint, answer, attempt, start, deadline.reason()));
                  });
            });
  }

  /**
   * @param notRetried why a retry that the policy allowed did not run, or null
   */
  private static DeliveryResult conclude(
      WebhookEndpoint endpoint,
      EndpointAnswer answer,
      int attempts,
      long start,
      String notRetried) {
    long duration = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    Redactor redactor = endpoint.redactor();
    String afterRetries =
        (attempts > 1 ? " (after " + attempts + " attempts)" : "")
            + (notRetried != null ? " (not retried: " + notRetried + ")" : "");
    if (!answer.connected()) {
      return new DeliveryResult(
          DeliveryOutcome.Failed,
          Outcome.ConnectionError,
          attempts,
          null,
          redactor.excerpt("Connection error: " + answer.connectionError(), MAX_ENDPOINT_TEXT)
              + afterRetries,
          duration,
          List.of());
    }
    EnvelopeVerdict verdict = EnvelopeValidator.validate(answer.status(), answer.body(), redactor);
    DeliveryOutcome outcome =
        switch (verdict.outcome()) {
          case Succeeded -> DeliveryOutcome.Succeeded;
          case HTTPStatus -> DeliveryOutcome.Failed;
          default -> DeliveryOutcome.EndpointError;
        };
    String message =
        redactor.excerpt(verdict.message(), MAX_ENDPOINT_TEXT)
            + (outcome == DeliveryOutcome.Failed ? afterRetries : "");
    return new DeliveryResult(
        outcome,
        verdict.outcome(),
        attempts,
        answer.status(),
        message,
        duration,
        verdict.actions());
  }
}
