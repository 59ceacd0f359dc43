package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

public class MailboxRuleStatus extends ConditionedStatus {
  @Override
  @JsonPropertyDescription(
      "Ready: the rule is valid and every webhook it uses exists and permits its mailbox. Reasons: Ready, MailboxNotFound, InvalidCondition, WebhookNotAvailable (does not exist or does not permit the mailbox), WebhooksFeatureDisabled.")
  public List<StatusCondition> getConditions() {
    return super.getConditions();
  }
}
