package com.emailgistics.webhooks.delivery;

import java.util.Optional;

/** Replaces every occurrence of a secret in text meant for status, Events or logs. */
public final class Redactor {
  public static final String MASK = "[REDACTED]";

  private final Optional<String> secret;

  public Redactor(Optional<String> secret) {
    this.secret = secret.filter(s -> !s.isEmpty());
  }

  public String redact(String text) {
    if (text == null || secret.isEmpty()) {
      return text;
    }
    return text.replace(secret.get(), MASK);
  }
}
