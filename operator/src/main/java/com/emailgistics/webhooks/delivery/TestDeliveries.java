package com.emailgistics.webhooks.delivery;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs test deliveries on the data plane's event loops, in turn, with a delivery slot like any
 * delivery, so that no reconciler thread waits on the network.
 */
public final class TestDeliveries {
  private final List<DeliveryEngine> engines;
  private final Admission admission;
  private final AtomicInteger next = new AtomicInteger();

  public TestDeliveries(List<DeliveryEngine> engines, Admission admission) {
    this.engines = List.copyOf(engines);
    this.admission = admission;
  }

  /** Starts a test delivery to {@code webhook} (namespace/name) from any thread. */
  public CompletionStage<TestResult> start(
      String webhook, WebhookEndpoint endpoint, PayloadOptions options) {
    DeliveryEngine engine = engines.get(Math.floorMod(next.getAndIncrement(), engines.size()));
    CompletableFuture<TestResult> result = new CompletableFuture<>();
    engine
        .http()
        .lane()
        .runOnContext(
            onLane ->
                admission
                    .acquire(webhook, engine.http().lane())
                    .slot()
                    .onSuccess(
                        slot -> {
                          Future<TestResult> test;
                          try {
                            test = TestDelivery.run(engine, endpoint, options);
                          } catch (RuntimeException e) {
                            // A bug, not the endpoint: reported as such rather than leaving the
                            // Webhook "in progress".
                            slot.release();
                            result.completeExceptionally(e);
                            return;
                          }
                          test.onComplete(
                              done -> {
                                slot.release();
                                if (done.succeeded()) {
                                  result.complete(done.result());
                                } else {
                                  result.completeExceptionally(done.cause());
                                }
                              });
                        }));
    return result;
  }
}
