package com.emailgistics.webhooks.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The judgement on an endpoint's answer. {@code actions} are the raw action objects, present only
 * for a success; {@code message} is the endpoint's message or a description of what was wrong.
 */
public record EnvelopeVerdict(Outcome outcome, String message, List<JsonNode> actions) {

  public EnvelopeVerdict {
    actions = List.copyOf(actions);
  }

  static EnvelopeVerdict failure(Outcome outcome, String message) {
    return new EnvelopeVerdict(outcome, message, List.of());
  }
}
