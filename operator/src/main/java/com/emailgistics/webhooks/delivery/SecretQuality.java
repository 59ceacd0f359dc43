package com.emailgistics.webhooks.delivery;

/**
 * The product's recommendation for webhook secrets: at least 16 characters mixing letters, digits
 * and symbols. Weak secrets are reported, never refused.
 */
public enum SecretQuality {
  Strong("The secret follows the recommendations."),
  NoSecret(
      "No secret is configured: deliveries carry no Authorization header and receivers cannot"
          + " authenticate them."),
  SecretTooShort("The secret is shorter than 16 characters."),
  SecretNotMixed("The secret does not mix letters, digits and symbols.");

  public static final int MINIMUM_LENGTH = 16;

  private final String message;

  SecretQuality(String message) {
    this.message = message;
  }

  public String message() {
    return message;
  }

  public static SecretQuality assess(String secret) {
    if (secret == null || secret.isEmpty()) {
      return NoSecret;
    }
    if (secret.codePointCount(0, secret.length()) < MINIMUM_LENGTH) {
      return SecretTooShort;
    }
    boolean letter = secret.codePoints().anyMatch(Character::isLetter);
    boolean digit = secret.codePoints().anyMatch(Character::isDigit);
    boolean symbol = secret.codePoints().anyMatch(c -> !Character.isLetterOrDigit(c));
    return letter && digit && symbol ? Strong : SecretNotMixed;
  }
}
