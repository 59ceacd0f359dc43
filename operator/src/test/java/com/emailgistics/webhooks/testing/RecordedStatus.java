package com.emailgistics.webhooks.testing;

import com.emailgistics.webhooks.api.ConditionedStatus;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.reconciler.StatusWriter;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/** What a reconciler called directly would write into status: the last status it recorded. */
public final class RecordedStatus implements StatusWriter {
  private ConditionedStatus last;

  @Override
  public <S extends ConditionedStatus, P extends CustomResource<?, S>> UpdateControl<P> write(
      P resource, S status, Context<P> context) {
    last = status;
    return UpdateControl.noUpdate();
  }

  /** The last status written, as {@code kind}; fails when none was. */
  public <S extends ConditionedStatus> S last(Class<S> kind) {
    if (last == null) {
      throw new AssertionError("no status was written");
    }
    return kind.cast(last);
  }

  /** The condition {@code type} of the last status written; fails when it has none. */
  public StatusCondition condition(String type) {
    if (last == null) {
      throw new AssertionError("no status was written");
    }
    return Resources.condition(last.getConditions(), type)
        .orElseThrow(
            () -> new AssertionError("no " + type + " condition in " + last.getConditions()));
  }
}
