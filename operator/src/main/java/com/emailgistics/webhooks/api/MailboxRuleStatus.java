package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

public class MailboxRuleStatus extends ConditionedStatus {
  @JsonPropertyDescription(
      "Runtime problems of the rule (failed deliveries, deliveries not attempted, dropped actions),"
          + " written by the dispatch side of the operator; kubectl describe shows them.")
  private RuleProblems problems;

  public RuleProblems getProblems() {
    return problems;
  }

  public void setProblems(RuleProblems problems) {
    this.problems = problems;
  }

  /** {@code problems} belongs to the dispatch side. */
  @Override
  public void clearDispatchFields() {
    problems = null;
  }

  @Override
  public void keepDispatchFields(ConditionedStatus stored) {
    if (stored instanceof MailboxRuleStatus rule) {
      problems = rule.problems;
    }
  }

  @Override
  @JsonPropertyDescription(
      "Ready: the rule is valid and every webhook it uses exists and permits its mailbox. Reasons: Ready, MailboxNotFound, InvalidCondition, WebhookNotAvailable (does not exist or does not permit the mailbox), WebhooksFeatureDisabled.")
  public List<StatusCondition> getConditions() {
    return super.getConditions();
  }
}
