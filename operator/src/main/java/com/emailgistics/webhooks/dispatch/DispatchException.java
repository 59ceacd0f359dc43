package com.emailgistics.webhooks.dispatch;

/** A dispatch request that cannot be served, with the HTTP status and a message for the caller. */
public class DispatchException extends Exception {
  private final int status;

  public DispatchException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
