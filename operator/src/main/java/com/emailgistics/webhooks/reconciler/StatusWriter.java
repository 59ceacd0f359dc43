package com.emailgistics.webhooks.reconciler;

import com.emailgistics.webhooks.api.ConditionedStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * The last step of a reconciliation, recording its status: {@link #PATCH} in the operator; unit
 * tests that call {@code reconcile()} directly record what it would write.
 */
public interface StatusWriter {
  /**
   * @param status the reconciler's fields only (the dispatch side's are null)
   */
  <S extends ConditionedStatus, P extends CustomResource<?, S>> UpdateControl<P> write(
      P resource, S status, Context<P> context);

  /** Patches the status when it changed ({@link StatusPatch}). */
  StatusWriter PATCH =
      new StatusWriter() {
        @Override
        public <S extends ConditionedStatus, P extends CustomResource<?, S>> UpdateControl<P> write(
            P resource, S status, Context<P> context) {
          return StatusPatch.ifChanged(resource, status, context);
        }
      };
}
