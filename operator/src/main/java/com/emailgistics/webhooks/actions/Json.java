package com.emailgistics.webhooks.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small helpers over Jackson's tree model. */
final class Json {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** The field's value, or null when it is missing or JSON {@code null} (both mean "not given"). */
  static JsonNode given(JsonNode object, String field) {
    JsonNode node = object.get(field);
    return node == null || node.isNull() ? null : node;
  }

  /** "a number", "an array"... for messages. */
  static String kind(JsonNode node) {
    if (node == null) {
      return "missing";
    }
    return switch (node.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case BINARY -> "binary data";
      case NULL, MISSING -> "null";
    };
  }

  /** A JSON integer that fits in an {@code int}; {@code 1.0} and {@code "1"} are not. */
  static boolean isInt(JsonNode node) {
    return node.isIntegralNumber() && node.canConvertToInt();
  }

  /** Quotes a value from the endpoint for a message. */
  static String quote(String text) {
    return "'" + text + "'";
  }
}
