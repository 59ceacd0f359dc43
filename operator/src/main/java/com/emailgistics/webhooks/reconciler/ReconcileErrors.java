package com.emailgistics.webhooks.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts one controller's failed reconciliations (emailgistics_reconcile_errors_total). The counter
 * is registered at zero, so that an alert's rate() has a series from the start.
 */
public final class ReconcileErrors {
  private final Counter failures;

  public ReconcileErrors(MeterRegistry metrics, String controller) {
    this.failures =
        Counter.builder("emailgistics_reconcile_errors")
            .description(
                "Reconciliations that ended in an error (each is retried with backoff), by controller")
            .tag("controller", controller)
            .register(metrics);
  }

  /** Counts the failure and leaves it to JOSDK's retries. */
  public <P extends HasMetadata> ErrorStatusUpdateControl<P> counted() {
    failures.increment();
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }
}
