package com.emailgistics.webhooks.dispatch;

/**
 * A dispatch request that cannot be served, with the HTTP status and a message for the caller. An
 * answer, not a bug: it carries no stack trace.
 */
public class DispatchException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  public DispatchException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
