package com.emailgistics.webhooks.delivery;

/** Outcome of one test delivery, ready to be shown in status. */
public record TestResult(
    Outcome outcome,
    String message,
    String actionsSummary,
    Integer httpStatus,
    long durationMillis) {

  /** The condition message: the result text, followed by the action summary on success. */
  public String conditionMessage() {
    return conditionMessage(message, actionsSummary);
  }

  public static String conditionMessage(String message, String actionsSummary) {
    return actionsSummary == null
        ? message
        : message + " Actions returned: " + actionsSummary + ".";
  }
}
