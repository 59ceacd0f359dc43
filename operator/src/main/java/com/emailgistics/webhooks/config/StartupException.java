package com.emailgistics.webhooks.config;

/**
 * A start-up failure whose message alone tells the operator's user what is wrong and which setting
 * or command fixes it; {@code OperatorMain} prints it as one line, without a stack trace.
 */
public final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
