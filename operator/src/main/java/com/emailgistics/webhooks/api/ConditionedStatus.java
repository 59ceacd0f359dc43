package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What every status of this API has: the generation it describes and standard conditions. */
public abstract class ConditionedStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Standard conditions; Ready says whether the object can be used.")
  private List<StatusCondition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<StatusCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<StatusCondition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  /**
   * Clears the fields the dispatch side writes (every replica, by merge patch, field manager {@code
   * emailgistics-dispatch}); the reconciler owns the rest and neither compares nor sends these.
   * None by default.
   */
  public void clearDispatchFields() {}

  /**
   * Takes the dispatch side's fields from {@code stored}, for a write that replaces the whole
   * status (without server-side apply). None by default.
   */
  public void keepDispatchFields(ConditionedStatus stored) {}
}
