package com.emailgistics.webhooks.rules;

import com.emailgistics.webhooks.message.Message;

/**
 * A message while one rule set evaluates it: the folded subject and body that case-insensitive
 * conditions search are derived on first use and then shared by every rule. Used by one thread.
 */
final class EvaluatedMessage {
  private final Message message;
  private String foldedSubject;
  private String foldedBody;

  EvaluatedMessage(Message message) {
    this.message = message;
  }

  Message message() {
    return message;
  }

  /** The subject {@link Text#fold folded}, or null when the message has none. */
  String foldedSubject() {
    if (foldedSubject == null && message.subject() != null) {
      foldedSubject = Text.fold(message.subject());
    }
    return foldedSubject;
  }

  /** The body text {@link Text#fold folded}, or null when the message has none. */
  String foldedBody() {
    if (foldedBody == null && message.bodyText() != null) {
      foldedBody = Text.fold(message.bodyText());
    }
    return foldedBody;
  }
}
