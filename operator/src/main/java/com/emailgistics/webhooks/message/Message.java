package com.emailgistics.webhooks.message;

import java.util.List;
import java.util.Map;

/**
 * An incoming message as the product describes it (spec section 4): what rules match on and what
 * payloads are built from. {@code bodyText} and {@code customFields} may be null.
 */
public record Message(
    String id,
    String event,
    String internetMessageId,
    String received,
    String mailbox,
    EmailAddress sender,
    EmailAddress from,
    List<EmailAddress> to,
    List<EmailAddress> cc,
    String subject,
    boolean hasAttachments,
    String timestamp,
    String conversationId,
    String bodyText,
    Map<String, String> customFields) {

  public static final String RECEIVED = "received";

  public Message {
    to = to == null ? List.of() : List.copyOf(to);
    cc = cc == null ? List.of() : List.copyOf(cc);
    customFields = customFields == null ? Map.of() : Map.copyOf(customFields);
  }

  /** This message as received by {@code address}'s mailbox. */
  public Message withMailbox(String address) {
    return new Message(
        id,
        event,
        internetMessageId,
        received,
        address,
        sender,
        from,
        to,
        cc,
        subject,
        hasAttachments,
        timestamp,
        conversationId,
        bodyText,
        customFields);
  }
}
