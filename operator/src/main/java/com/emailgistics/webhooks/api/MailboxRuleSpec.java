package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

public class MailboxRuleSpec {
  public static final int DEFAULT_PRIORITY = 100;

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Mailbox, in this rule's namespace, the rule belongs to.")
  private String mailbox;

  @Default("100")
  @Min(0)
  @Max(100000)
  @JsonPropertyDescription("Evaluation order: lower numbers run first; ties run in name order.")
  private int priority = DEFAULT_PRIORITY;

  @Default("true")
  @JsonPropertyDescription("Disabled rules are never evaluated.")
  private boolean enabled = true;

  @Default("All")
  @JsonPropertyDescription(
      "All: every condition must hold. Any: one condition is enough. A rule without conditions"
          + " matches every message unless an exception matches.")
  private MatchMode match = MatchMode.All;

  @Size(max = 50)
  @JsonPropertyDescription("Conditions a message is tested against, combined as 'match' says.")
  private List<RuleCondition> conditions = new ArrayList<>();

  @Size(max = 50)
  @JsonPropertyDescription("If any exception matches, the rule does not run.")
  private List<RuleCondition> exceptions = new ArrayList<>();

  @Default("false")
  @JsonPropertyDescription("When this rule matches, no further rules are evaluated.")
  private boolean stopProcessing;

  @Required
  @Size(min = 1, max = 20)
  @JsonPropertyDescription("What happens when the rule matches, in order.")
  private List<RuleAction> actions = new ArrayList<>();

  public String getMailbox() {
    return mailbox;
  }

  public void setMailbox(String mailbox) {
    this.mailbox = mailbox;
  }

  public int getPriority() {
    return priority;
  }

  public void setPriority(int priority) {
    this.priority = priority;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public MatchMode getMatch() {
    return match;
  }

  public void setMatch(MatchMode match) {
    this.match = match == null ? MatchMode.All : match;
  }

  public List<RuleCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<RuleCondition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  public List<RuleCondition> getExceptions() {
    return exceptions;
  }

  public void setExceptions(List<RuleCondition> exceptions) {
    this.exceptions = exceptions == null ? new ArrayList<>() : exceptions;
  }

  public boolean isStopProcessing() {
    return stopProcessing;
  }

  public void setStopProcessing(boolean stopProcessing) {
    this.stopProcessing = stopProcessing;
  }

  public List<RuleAction> getActions() {
    return actions;
  }

  public void setActions(List<RuleAction> actions) {
    this.actions = actions == null ? new ArrayList<>() : actions;
  }

  /** The webhooks this rule's UseWebhook actions point at, in action order. */
  public List<NamespacedReference> webhookReferences() {
    return actions.stream()
        .filter(action -> action.getType() == RuleActionType.UseWebhook)
        .map(RuleAction::getWebhook)
        .filter(java.util.Objects::nonNull)
        .toList();
  }
}
