package com.emailgistics.webhooks.reconciler;

import com.emailgistics.webhooks.api.ConditionedStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts one controller's failed reconciliations (emailgistics_reconcile_errors_total) and shows
 * each in the object's status: condition {@link #RECONCILE_FAILED} is True with what went wrong,
 * until a reconciliation succeeds (which builds its conditions afresh). The counter is registered
 * at zero, so that an alert's rate() has a series from the start.
 */
public final class ReconcileErrors {
  public static final String RECONCILE_FAILED = "ReconcileFailed";
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileErrors.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final int FAILURE_ACCOUNT_LIMIT = 300;

  private final Counter failures;
  private final Clock clock;

  public ReconcileErrors(MeterRegistry metrics, String controller, Clock clock) {
    this.clock = clock;
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

  /**
   * Counts the failure, writes it into the status as {@link #RECONCILE_FAILED} (the rest of the
   * status as it was) and leaves the rest to JOSDK's retries.
   *
   * @param empty a new status, for an object that has none yet
   */
  public <S extends ConditionedStatus, P extends CustomResource<?, S>>
      ErrorStatusUpdateControl<P> reported(
          P resource,
          Context<P> context,
          Exception failure,
          StatusWriter statuses,
          Supplier<S> empty) {
    S status =
        resource.getStatus() == null ? empty.get() : SERIALIZATION.clone(resource.getStatus());
    status.clearDispatchFields();
    ConditionSet conditions =
        ConditionSet.keeping(
            status.getConditions(), status.getObservedGeneration(), clock, RECONCILE_FAILED);
    conditions.set(
        RECONCILE_FAILED,
        true,
        "ReconcileError",
        "The last reconciliation failed ("
            + describe(failure)
            + "); the operator retries with backoff.");
    status.setConditions(conditions.toList());
    try {
      statuses.write(resource, status, context);
    } catch (RuntimeException e) {
      LOG.debug(
          "{} {}: could not report the failed reconciliation in status either: {}",
          resource.getKind(),
          resource.getMetadata().getName(),
          describe(e));
    }
    return counted();
  }

  /**
   * A short account of a failure, without the request it was about: what the API server answered,
   * when it answered (JOSDK wraps its exception), else the kind of failure.
   */
  public static String describe(Exception failure) {
    String account = failure.getClass().getSimpleName();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException refused && refused.getStatus() != null) {
        account =
            "the API server answered "
                + refused.getCode()
                + ": "
                + Objects.requireNonNullElse(refused.getStatus().getMessage(), "");
        break;
      }
    }
    return account.length() <= FAILURE_ACCOUNT_LIMIT
        ? account
        : account.substring(0, FAILURE_ACCOUNT_LIMIT) + "...";
  }
}
