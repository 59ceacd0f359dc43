package com.emailgistics.webhooks.delivery;

import java.util.Optional;

/**
 * Replaces every occurrence of a secret in text meant for status, Events or logs: as sent, and as
 * it reads when an endpoint echoes it inside a JSON string ({@code \"} and {@code \\} escaped).
 */
public final class Redactor {
  public static final String MASK = "[REDACTED]";

  private final String secret;
  private final String jsonEscaped;

  public Redactor(Optional<String> secret) {
    this.secret = secret.filter(s -> !s.isEmpty()).orElse(null);
    this.jsonEscaped =
        this.secret == null ? null : this.secret.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /**
   * Characters beyond an excerpt's end that must be read so that a secret across the end is seen.
   */
  int lookAhead() {
    return secret == null ? 0 : jsonEscaped.length();
  }

  public String redact(String text) {
    if (text == null || secret == null) {
      return text;
    }
    String redacted = text.replace(secret, MASK);
    return jsonEscaped.equals(secret) ? redacted : redacted.replace(jsonEscaped, MASK);
  }

  /**
   * The first {@code maxChars} characters of {@code text} after redaction, followed by "..." when
   * cut; a cut that leaves the start of the secret at the end drops that start as well.
   */
  String excerpt(String text, int maxChars) {
    String redacted = redact(text);
    if (redacted.length() <= maxChars) {
      return redacted;
    }
    String cut = redacted.substring(0, maxChars);
    if (secret != null) {
      for (int length = Math.min(jsonEscaped.length(), cut.length()); length > 0; length--) {
        if (cut.endsWith(secret.substring(0, Math.min(length, secret.length())))
            || cut.endsWith(jsonEscaped.substring(0, length))) {
          cut = cut.substring(0, cut.length() - length);
          break;
        }
      }
    }
    return cut + "...";
  }
}
