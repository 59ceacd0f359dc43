package com.emailgistics.webhooks.api;

/**
 * How a rule is told that it may not use a webhook. "Does not exist" and "does not permit your
 * mailbox" get one reason and one message: mailbox administrators cannot read Webhooks, and what
 * they are told must not reveal which ones exist.
 */
public final class WebhookAvailability {
  public static final String NOT_AVAILABLE = "WebhookNotAvailable";

  private WebhookAvailability() {}

  public static String notAvailable(
      NamespacedReference webhook, String mailboxNamespace, String mailboxName) {
    return "Webhook "
        + webhook.key()
        + " does not exist or does not list Mailbox "
        + mailboxNamespace
        + "/"
        + mailboxName
        + " in spec.mailboxes; the Mailbox's status.availableWebhooks shows the webhooks it may use";
  }
}
