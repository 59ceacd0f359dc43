package com.emailgistics.webhooks.delivery;

import com.emailgistics.webhooks.message.SampleMessage;

/**
 * The product's "Test Webhook": POST the canned sample message once (no retries) and judge the
 * answer as the product does. Every text in the result is scrubbed of the bearer secret, since an
 * endpoint may echo the request back.
 */
public final class TestDelivery {
  public static final String SUCCESS_MESSAGE =
      "Success! Mock request sent and webhook response received and validated.";

  private final WebhookHttpClient http;

  public TestDelivery(WebhookHttpClient http) {
    this.http = http;
  }

  /** Blocks the calling (reconciler) thread for at most the webhook's timeout. */
  public TestResult run(WebhookEndpoint endpoint, PayloadOptions options) {
    byte[] payload = PayloadBuilder.toBytes(PayloadBuilder.build(SampleMessage.MESSAGE, options));
    HttpExchange exchange = http.post(endpoint, payload).join();
    Redactor redactor = new Redactor(endpoint.bearerToken());
    if (!exchange.connected()) {
      return new TestResult(
          Outcome.ConnectionError,
          redactor.redact("Connection error: " + exchange.connectionError()),
          null,
          null,
          exchange.durationMillis());
    }
    EnvelopeVerdict verdict = EnvelopeValidator.validate(exchange.status(), exchange.body());
    boolean succeeded = verdict.outcome().succeeded();
    return new TestResult(
        verdict.outcome(),
        succeeded ? SUCCESS_MESSAGE : redactor.redact(verdict.message()),
        succeeded ? redactor.redact(ActionSummary.describe(verdict.actions())) : null,
        exchange.status(),
        exchange.durationMillis());
  }
}
