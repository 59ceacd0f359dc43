package com.emailgistics.webhooks.delivery;

/** The configured CA bundle cannot be used; the message says why (it never holds secrets). */
public class InvalidCaBundleException extends Exception {
  public InvalidCaBundleException(String message) {
    super(message);
  }
}
