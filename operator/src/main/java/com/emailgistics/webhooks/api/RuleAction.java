package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@ValidationRule(
    value = "self.type != 'UseWebhook' || has(self.webhook)",
    message = "a UseWebhook action needs 'webhook'")
@ValidationRule(
    value = "self.type != 'Tag' || (has(self.tags) && size(self.tags) > 0)",
    message = "a Tag action needs at least one entry in 'tags'")
@ValidationRule(
    value = "self.type != 'Assign' || (has(self.users) && size(self.users) > 0)",
    message = "an Assign action needs at least one entry in 'users'")
@ValidationRule(
    value = "self.type != 'Forward' || (has(self.forwardTo) && size(self.forwardTo) > 0)",
    message = "a Forward action needs at least one entry in 'forwardTo'")
public class RuleAction {
  @Required
  @JsonPropertyDescription(
      "UseWebhook: deliver the message to 'webhook'. Tag: apply 'tags'. Assign: assign to one"
          + " of 'users'. Forward: forward to 'forwardTo'.")
  private RuleActionType type;

  @JsonPropertyDescription(
      "For UseWebhook: the Webhook to call. It must list this rule's Mailbox; the Mailbox's"
          + " status.availableWebhooks shows which ones do.")
  private NamespacedReference webhook;

  @Size(max = 50)
  @ValidationRule(
      value = "self.all(tag, size(tag) <= 100)",
      message = "each tag has at most 100 characters")
  @JsonPropertyDescription("For Tag: tag names defined on the Mailbox.")
  private List<String> tags = new ArrayList<>();

  @Size(max = 50)
  @ValidationRule(
      value = "self.all(user, size(user) <= 254)",
      message = "each user has at most 254 characters")
  @JsonPropertyDescription("For Assign: user display names or emails.")
  private List<String> users = new ArrayList<>();

  @Size(max = 50)
  @ValidationRule(
      value = "self.all(address, size(address) <= 254)",
      message = "each address has at most 254 characters")
  @JsonPropertyDescription("For Forward: recipient email addresses.")
  private List<String> forwardTo = new ArrayList<>();

  public RuleAction() {}

  public static RuleAction useWebhook(String namespace, String name) {
    RuleAction action = new RuleAction();
    action.setType(RuleActionType.UseWebhook);
    action.setWebhook(new NamespacedReference(namespace, name));
    return action;
  }

  public RuleActionType getType() {
    return type;
  }

  public void setType(RuleActionType type) {
    this.type = type;
  }

  public NamespacedReference getWebhook() {
    return webhook;
  }

  public void setWebhook(NamespacedReference webhook) {
    this.webhook = webhook;
  }

  public List<String> getTags() {
    return tags;
  }

  public void setTags(List<String> tags) {
    this.tags = tags == null ? new ArrayList<>() : tags;
  }

  public List<String> getUsers() {
    return users;
  }

  public void setUsers(List<String> users) {
    this.users = users == null ? new ArrayList<>() : users;
  }

  public List<String> getForwardTo() {
    return forwardTo;
  }

  public void setForwardTo(List<String> forwardTo) {
    this.forwardTo = forwardTo == null ? new ArrayList<>() : forwardTo;
  }
}
