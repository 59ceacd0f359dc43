package com.emailgistics.webhooks.message;

import java.util.Locale;

/** A recipient or sender: display name (may be empty) and SMTP address. */
public record EmailAddress(String name, String address) {

  public static EmailAddress of(String name, String address) {
    return new EmailAddress(name, address);
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
