package com.emailgistics.webhooks.message;

import java.util.Locale;

/** A recipient or sender: display name (may be empty) and SMTP address. */
public record EmailAddress(String name, String address) {
  /** RFC 5321's limit on a whole path. */
  public static final int MAX_LENGTH = 254;

  public static EmailAddress of(String name, String address) {
    return new EmailAddress(name, address);
  }

  /** The form in which mailbox addresses are compared and looked up: trimmed, lower-case. */
  public static String key(String address) {
    return address == null ? "" : address.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether {@code address} has the shape of an SMTP address: one '@' between a non-empty local
   * part and a domain of non-empty dot-separated labels, no whitespace or control characters, at
   * most 254 characters. Deliberately loose (quoted local parts and IDNs pass): it keeps what is
   * plainly not an address out of payloads, not what a mail server might refuse.
   * docs/schemas/address.schema.json states the same as a pattern; checked by hand here because
   * every dispatched message carries several addresses.
   */
  public static boolean isWellFormed(String address) {
    int at = address.indexOf('@');
    if (address.length() > MAX_LENGTH || at <= 0 || at == address.length() - 1) {
      return false;
    }
    boolean labelStarted = false;
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c <= 0x20 || c == 0x7f || Character.isWhitespace(c) || c == '@' && i != at) {
        return false;
      }
      if (i > at) {
        if (c == '.') {
          if (!labelStarted) {
            return false;
          }
          labelStarted = false;
        } else {
          labelStarted = true;
        }
      }
    }
    return labelStarted;
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
