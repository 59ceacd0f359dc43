package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

public class MailboxRuleStatus extends ConditionedStatus {
  @Override
  @JsonPropertyDescription(
      "Ready: the rule is valid and every webhook it uses exists and permits its mailbox. Reasons: Ready, MailboxNotFound, InvalidCondition, WebhookNotFound, WebhookNotPermitted, WebhooksFeatureDisabled.")
  public List<StatusCondition> getConditions() {
    return super.getConditions();
  }
}
