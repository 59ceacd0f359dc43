package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
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

  @JsonPropertyDescription(
      "Tags defined on the mailbox. Tag actions may only apply these; names match case-sensitively.")
  private List<String> tags = new ArrayList<>();

  @JsonPropertyDescription("Custom fields defined on the mailbox, which setCustomFields may write.")
  private List<CustomFieldDefinition> customFields = new ArrayList<>();

  @JsonPropertyDescription(
      "Users of the mailbox. Assign actions name them by display name or email (case-insensitive).")
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
