package com.emailgistics.webhooks.resolution;

/** Why a Webhook cannot be delivered to: a condition reason and a message free of secrets. */
public class ConfigurationProblem extends Exception {
  private final String reason;

  ConfigurationProblem(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
