package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A webhook a mailbox's rules may use, as shown to mailbox administrators. */
public class AvailableWebhook {
  @JsonPropertyDescription("The webhook's display name.")
  private String displayName;

  @JsonPropertyDescription("Reference to use in a MailboxRule's UseWebhook action.")
  private NamespacedReference webhook;

  public AvailableWebhook() {}

  public AvailableWebhook(String displayName, NamespacedReference webhook) {
    this.displayName = displayName;
    this.webhook = webhook;
  }

  public String getDisplayName() {
    return displayName;
  }

  public void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  public NamespacedReference getWebhook() {
    return webhook;
  }

  public void setWebhook(NamespacedReference webhook) {
    this.webhook = webhook;
  }
}
