package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@ValidationRule(
    value =
        "self.type == 'HasAttachments' ? !has(self.values) || size(self.values) == 0"
            + " : has(self.values) && size(self.values) > 0",
    message = "values must list at least one entry, except for HasAttachments which takes none")
public class RuleCondition {
  @Required
  @JsonPropertyDescription(
      "SubjectContains, BodyContains: the text contains a value. SubjectMatches, BodyMatches: a"
          + " Java regular expression finds a match. SenderAddressIs, FromAddressIs: the envelope"
          + " sender / From address equals a value. SenderDomainIs, FromDomainIs: the address's"
          + " domain equals a value. ToContains, CcContains, RecipientContains (To or Cc): a"
          + " recipient's address or display name contains a value. HasAttachments: the message"
          + " has attachments.")
  private RuleConditionType type;

  @Size(max = 100)
  @ValidationRule(
      value = "self.all(value, size(value) <= 1000)",
      message = "each value has at most 1000 characters")
  @JsonPropertyDescription(
      "Values to look for (at most 100, each at most 1,000 characters); the condition holds"
          + " when any of them matches.")
  private List<String> values = new ArrayList<>();

  @Default("false")
  @JsonPropertyDescription(
      "Make Contains and Matches conditions on subject and body case-sensitive. Addresses and"
          + " domains always compare without case.")
  private boolean caseSensitive;

  public RuleCondition() {}

  public RuleCondition(RuleConditionType type, String... values) {
    this.type = type;
    this.values = new ArrayList<>(List.of(values));
  }

  public RuleConditionType getType() {
    return type;
  }

  public void setType(RuleConditionType type) {
    this.type = type;
  }

  public List<String> getValues() {
    return values;
  }

  public void setValues(List<String> values) {
    this.values = values == null ? new ArrayList<>() : values;
  }

  public boolean isCaseSensitive() {
    return caseSensitive;
  }

  public void setCaseSensitive(boolean caseSensitive) {
    this.caseSensitive = caseSensitive;
  }
}
