package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

public class MailboxStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready: the mailbox configuration is valid.")
  private List<StatusCondition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Webhooks whose mailbox list includes this mailbox: the ones its rules may use.")
  private List<AvailableWebhook> availableWebhooks = new ArrayList<>();

  @JsonPropertyDescription("Number of entries in availableWebhooks.")
  private Integer availableWebhookCount;

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

  public List<AvailableWebhook> getAvailableWebhooks() {
    return availableWebhooks;
  }

  public void setAvailableWebhooks(List<AvailableWebhook> availableWebhooks) {
    this.availableWebhooks = availableWebhooks == null ? new ArrayList<>() : availableWebhooks;
  }

  public Integer getAvailableWebhookCount() {
    return availableWebhookCount;
  }

  public void setAvailableWebhookCount(Integer availableWebhookCount) {
    this.availableWebhookCount = availableWebhookCount;
  }
}
