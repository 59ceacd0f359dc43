package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

public class MailboxSpec {
  @Required
  @Size(max = 254)
  @Pattern("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")
  @JsonPropertyDescription("The shared mailbox's email address (the payload field 'mailbox').")
  private String address;

  @Size(max = 200)
  @JsonPropertyDescription("Human-readable name of the mailbox.")
  private String displayName;

  @Size(max = 200)
  @ValidationRule(
      value = "self.all(tag, size(tag) >= 1 && size(tag) <= 100)",
      message = "each tag has 1 to 100 characters")
  @JsonPropertyDescription(
      "Tags defined on the mailbox (at most 200, each 1 to 100 characters). Tag actions may only apply these;"
          + " names match case-sensitively.")
  private List<String> tags = new ArrayList<>();

  @Size(max = 100)
  @JsonPropertyDescription(
      "Custom fields defined on the mailbox (at most 100), which setCustomFields may write.")
  private List<CustomFieldDefinition> customFields = new ArrayList<>();

  @Size(max = 1000)
  @JsonPropertyDescription(
      "Users of the mailbox (at most 1,000). Assign actions name them by display name or email (case-insensitive).")
  private List<MailboxUser> users = new ArrayList<>();

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getDisplayName() {
    return displayName;
  }

  public void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  public List<String> getTags() {
    return tags;
  }

  public void setTags(List<String> tags) {
    this.tags = tags == null ? new ArrayList<>() : tags;
  }

  public List<CustomFieldDefinition> getCustomFields() {
    return customFields;
  }

  public void setCustomFields(List<CustomFieldDefinition> customFields) {
    this.customFields = customFields == null ? new ArrayList<>() : customFields;
  }

  public List<MailboxUser> getUsers() {
    return users;
  }

  public void setUsers(List<MailboxUser> users) {
    this.users = users == null ? new ArrayList<>() : users;
  }
}
