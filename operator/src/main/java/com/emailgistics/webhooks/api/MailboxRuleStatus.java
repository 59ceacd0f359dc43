package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

public class MailboxRuleStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Ready: the rule is valid and every webhook it uses exists and permits its mailbox. Reasons:"
          + " Ready, MailboxNotFound, InvalidCondition, WebhookNotFound, WebhookNotPermitted,"
          + " WebhooksFeatureDisabled.")
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
}
