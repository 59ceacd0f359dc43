package com.emailgistics.webhooks.delivery;

import com.emailgistics.webhooks.message.SampleMessage;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * The product's "Test Webhook": POST the canned sample message once (no retries) through the same
 * engine as deliveries and judge the answer the same way. Every text in the result is scrubbed of
 * the bearer secret, since an endpoint may echo the request back.
 */
public final class TestDelivery {
  public static final String SUCCESS_MESSAGE =
      "Success! Mock request sent and webhook response received and validated.";

  private TestDelivery() {}

  /** Runs on {@code engine}'s lane; call it there. */
  public static Future<TestResult> run(
      DeliveryEngine engine, WebhookEndpoint endpoint, PayloadOptions options) {
    // Every test is a new message to a receiver that de-duplicates by webhook-id.
    String deliveryId = "msg_test_" + UUID.randomUUID().toString().replace("-", "");
    return engine
        .deliverOnce(endpoint, deliveryId, PayloadWriter.write(SampleMessage.MESSAGE, options))
        .map(
            result -> {
              boolean succeeded = result.category() == Outcome.Succeeded;
              Redactor redactor = endpoint.redactor();
              return new TestResult(
                  result.category(),
                  succeeded ? SUCCESS_MESSAGE : result.message(),
                  succeeded
                      ? redactor.excerpt(
                          ActionSummary.describe(result.actions()),
                          DeliveryEngine.MAX_ENDPOINT_TEXT)
                      : null,
                  result.httpStatus(),
                  result.durationMillis());
            });
  }
}
