package com.emailgistics.webhooks.dispatch;

/**
 * One delivery as the history shows it.
 *
 * @param time when it finished (RFC 3339, milliseconds)
 * @param replica the operator replica (pod) that made it
 * @param category why it failed (absent when it succeeded or was not attempted)
 * @param httpStatus the endpoint's last HTTP status (absent without an answer)
 * @param message the endpoint's message or what went wrong, secret redacted
 */
public record DeliveryRecord(
    String time,
    String replica,
    String messageId,
    String rule,
    String outcome,
    String category,
    int attempts,
    Integer httpStatus,
    String message,
    long durationMillis) {}
