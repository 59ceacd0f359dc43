package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

public class MailboxStatus extends ConditionedStatus {
  @Override
  @JsonPropertyDescription("Ready: the mailbox configuration is valid.")
  public List<StatusCondition> getConditions() {
    return super.getConditions();
  }

  @JsonPropertyDescription(
      "Webhooks whose mailbox list includes this mailbox: the ones its rules may use.")
  private List<AvailableWebhook> availableWebhooks = new ArrayList<>();

  @JsonPropertyDescription("Number of entries in availableWebhooks.")
  private Integer availableWebhookCount;

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
