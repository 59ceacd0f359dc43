package com.emailgistics.webhooks.actions;

import java.util.List;

/**
 * The result of {@link ActionProcessor#process}: the actions to apply, in the endpoint's order, and
 * the actions that were not applied, each with its reason. Every input action appears in exactly
 * one of the two lists.
 */
public record ProcessedActions(List<EffectiveAction> applied, List<DroppedAction> dropped) {

  public ProcessedActions {
    applied = List.copyOf(applied);
    dropped = List.copyOf(dropped);
  }
}
