package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/** One kind of runtime problem of a rule, with a webhook where one is involved. */
public class RuleProblem {
  @JsonPropertyDescription(
      "DeliveryFailed (the webhook answered an error or could not be reached), DeliveryNotAttempted"
          + " (the webhook was not found, did not permit the mailbox, or the message deadline"
          + " passed) or ActionDropped (an action the webhook or the rule returned could not be"
          + " applied).")
  @Size(max = 64)
  private String kind;

  @JsonPropertyDescription(
      "The webhook involved (namespace/name); absent for the rule's own actions.")
  @Size(max = 317)
  private String webhook;

  @JsonPropertyDescription("How often it happened since the reporting replica started.")
  private long count;

  @JsonPropertyDescription("When it last happened (RFC 3339).")
  @Size(max = 64)
  private String lastTime;

  @JsonPropertyDescription(
      "What went wrong the last time: the endpoint's message or the reason, secrets redacted, cut"
          + " to 1,024 characters.")
  @Size(max = 2048)
  private String lastMessage;

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getWebhook() {
    return webhook;
  }

  public void setWebhook(String webhook) {
    this.webhook = webhook;
  }

  public long getCount() {
    return count;
  }

  public void setCount(long count) {
    this.count = count;
  }

  public String getLastTime() {
    return lastTime;
  }

  public void setLastTime(String lastTime) {
    this.lastTime = lastTime;
  }

  public String getLastMessage() {
    return lastMessage;
  }

  public void setLastMessage(String lastMessage) {
    this.lastMessage = lastMessage;
  }
}
