package com.emailgistics.webhooks.delivery;

import com.emailgistics.webhooks.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an endpoint's answer against the response envelope (spec sections 2 and 5): exactly HTTP
 * 200, a JSON object with string fields {@code status} and {@code message}, and {@code status}
 * exactly "success" (actions applied) or "error" (logical failure, actions ignored).
 */
public final class EnvelopeValidator {
  private static final int BODY_EXCERPT = 200;

  private EnvelopeValidator() {}

  /**
   * {@code body} is null when the answer was too large to read. Excerpts of the body are made with
   * {@code redactor}, before they are cut (so no part of a secret shows).
   */
  public static EnvelopeVerdict validate(int httpStatus, byte[] body, Redactor redactor) {
    if (httpStatus != 200) {
      String redirect = httpStatus >= 300 && httpStatus < 400 ? "; redirects are not followed" : "";
      return EnvelopeVerdict.failure(
          Outcome.HTTPStatus,
          "Endpoint answered HTTP "
              + httpStatus
              + " (expected 200)"
              + redirect
              + excerpt(body, redactor));
    }
    if (body == null) {
      return EnvelopeVerdict.failure(
          Outcome.MalformedJSON,
          "Response body exceeds " + WebhookHttpClient.MAX_RESPONSE_BYTES + " bytes");
    }
    JsonNode envelope;
    try {
      envelope = Json.ANSWERS.readTree(body);
    } catch (JsonProcessingException e) {
      return EnvelopeVerdict.failure(
          Outcome.MalformedJSON, "Response body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return EnvelopeVerdict.failure(
          Outcome.MalformedJSON, "Response body cannot be read: " + e.getMessage());
    }
    if (envelope == null || !envelope.isObject()) {
      return EnvelopeVerdict.failure(Outcome.MalformedJSON, "Response body is not a JSON object");
    }
    List<String> missing = new ArrayList<>();
    for (String field : List.of("status", "message")) {
      if (!envelope.path(field).isTextual()) {
        missing.add(field);
      }
    }
    if (!missing.isEmpty()) {
      return EnvelopeVerdict.failure(
          Outcome.MissingFields,
          "Response lacks the required string field(s): " + String.join(", ", missing));
    }
    String status = envelope.get("status").asText();
    String message = envelope.get("message").asText();
    return switch (status) {
      case "success" -> new EnvelopeVerdict(Outcome.Succeeded, message, actions(envelope));
      case "error" -> EnvelopeVerdict.failure(Outcome.EndpointError, message);
      default ->
          EnvelopeVerdict.failure(
              Outcome.InvalidStatus,
              "Response status \""
                  + status
                  + "\" is neither \"success\" nor \"error\"; message: "
                  + message);
    };
  }

  /** Non-array {@code actions} are treated as no actions; the summary says so. */
  private static List<JsonNode> actions(JsonNode envelope) {
    List<JsonNode> actions = new ArrayList<>();
    envelope.path("actions").forEach(actions::add);
    return envelope.path("actions").isArray() ? actions : List.of();
  }

  private static String excerpt(byte[] body, Redactor redactor) {
    if (body == null || body.length == 0) {
      return "";
    }
    // A character takes at most 4 bytes: enough for the excerpt and a secret across its end.
    int bytes = Math.min(body.length, 4 * (BODY_EXCERPT + redactor.lookAhead()));
    String trimmed = new String(body, 0, bytes, StandardCharsets.UTF_8).strip();
    return trimmed.isEmpty() ? "" : ": " + redactor.excerpt(trimmed, BODY_EXCERPT);
  }
}
