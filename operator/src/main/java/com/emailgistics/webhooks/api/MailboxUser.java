package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

public class MailboxUser {
  @Required
  @Size(min = 1, max = 200)
  @JsonPropertyDescription("The user's display name, as in the Admin users list.")
  private String displayName;

  @Required
  @Size(max = 254)
  @Pattern("^[^@\\s]+@[^@\\s]+$")
  @JsonPropertyDescription("The user's email address.")
  private String email;

  public MailboxUser() {}

  public MailboxUser(String displayName, String email) {
    this.displayName = displayName;
    this.email = email;
  }

  public String getDisplayName() {
    return displayName;
  }

  public void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  public String getEmail() {
    return email;
  }

  public void setEmail(String email) {
    this.email = email;
  }
}
