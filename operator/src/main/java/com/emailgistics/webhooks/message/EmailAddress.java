package com.emailgistics.webhooks.message;

import java.util.Locale;
import java.util.regex.Pattern;

/** A recipient or sender: display name (may be empty) and SMTP address. */
public record EmailAddress(String name, String address) {
  /** RFC 5321's limit on a whole path. */
  public static final int MAX_LENGTH = 254;

  /**
   * One '@' between a non-empty local part and a domain of non-empty dot-separated labels, no
   * whitespace or control characters. Deliberately loose (quoted local parts and IDNs pass): it
   * keeps what is plainly not an address out of payloads, not what a mail server might refuse.
   * docs/schemas/address.schema.json states the same pattern.
   */
  private static final Pattern WELL_FORMED =
      Pattern.compile("[^\\s@\\x00-\\x1f\\x7f]+@[^\\s@.\\x00-\\x1f\\x7f]+(\\.[^\\s@.\\x00-\\x1f\\x7f]+)*");

  public static EmailAddress of(String name, String address) {
    return new EmailAddress(name, address);
  }

  /** Whether {@code address} has the shape of an SMTP address (see {@link #WELL_FORMED}). */
  public static boolean isWellFormed(String address) {
    return address.length() <= MAX_LENGTH && WELL_FORMED.matcher(address).matches();
  }

  /** The part after the last '@', lower-cased; empty when the address has none. */
  public String domain() {
    if (address == null) {
      return "";
    }
    int at = address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
