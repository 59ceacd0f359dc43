package com.emailgistics.webhooks.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The end of one delivery: outcome, the category of the last answer (as in a test delivery),
 * attempts made, the final HTTP status, the endpoint's message or a description of the failure, the
 * total duration including waits, and the raw actions of a successful answer.
 */
public record DeliveryResult(
    DeliveryOutcome outcome,
    Outcome category,
    int attempts,
    Integer httpStatus,
    String message,
    long durationMillis,
    List<JsonNode> actions) {

  public DeliveryResult {
    actions = List.copyOf(actions);
  }

  public static DeliveryResult notAttempted(String reason) {
    return new DeliveryResult(DeliveryOutcome.NotAttempted, null, 0, null, reason, 0, List.of());
  }
}
