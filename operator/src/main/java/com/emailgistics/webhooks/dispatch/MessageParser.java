package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.message.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a posted message (the fields of spec section 4) into a {@link Message}, naming the first
 * field with a wrong type. Unknown fields are ignored, as the product's versioning rules ask.
 * Required: {@code id} and a sender ({@code from} or {@code sender}); {@code event} defaults to
 * "received" and {@code timestamp} to now.
 */
final class MessageParser {
  private final Clock clock;

  MessageParser(Clock clock) {
    this.clock = clock;
  }

  Message parse(JsonNode body) throws DispatchException {
    if (body == null || !body.isObject()) {
      throw badRequest("the body must be a JSON object holding the message");
    }
    String id = field(body, "id");
    if (id == null || id.isBlank()) {
      throw badRequest("field 'id' is required");
    }
    EmailAddress sender = address(body.get("sender"), "sender");
    EmailAddress from = address(body.get("from"), "from");
    if (sender == null && from == null) {
      throw badRequest("field 'from' (or 'sender') is required");
    }
    String event = field(body, "event");
    String timestamp = field(body, "timestamp");
    return new Message(
        id,
        event == null ? Message.RECEIVED : event,
        field(body, "internetMessageId"),
        field(body, "received"),
        field(body, "mailbox"),
        sender == null ? from : sender,
        from == null ? sender : from,
        addresses(body.get("to"), "to"),
        addresses(body.get("cc"), "cc"),
        field(body, "subject"),
        bool(body, "hasAttachments"),
        timestamp == null ? Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString() : timestamp,
        field(body, "conversationId"),
        field(body, "bodyText"),
        customFields(body.get("customFields")));
  }

  private static String field(JsonNode node, String field) throws DispatchException {
    return text(node.get(field), field);
  }

  private static String text(JsonNode value, String path) throws DispatchException {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw badRequest("field '" + path + "' must be a string, not " + kind(value));
    }
    return value.asText();
  }

  private static boolean bool(JsonNode node, String field) throws DispatchException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw badRequest("field '" + field + "' must be true or false, not " + kind(value));
    }
    return value.asBoolean();
  }

  private static EmailAddress address(JsonNode value, String path) throws DispatchException {
    if (value == null || value.isNull()) {
      return null;
    }
    JsonNode inner = value.get("emailAddress");
    if (!value.isObject() || inner == null || !inner.isObject()) {
      throw badRequest("field '" + path + "' must be an object {\"emailAddress\": {\"name\": ..., \"address\": ...}}");
    }
    String address = text(inner.get("address"), path + ".emailAddress.address");
    if (address == null || address.isBlank()) {
      throw badRequest("field '" + path + ".emailAddress.address' is required");
    }
    return new EmailAddress(text(inner.get("name"), path + ".emailAddress.name"), address);
  }

  private static List<EmailAddress> addresses(JsonNode value, String path) throws DispatchException {
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw badRequest("field '" + path + "' must be an array of addresses, not " + kind(value));
    }
    List<EmailAddress> addresses = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      addresses.add(address(value.get(i), path + "[" + i + "]"));
    }
    return addresses;
  }

  private static Map<String, String> customFields(JsonNode value) throws DispatchException {
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw badRequest("field 'customFields' must be an object of strings, not " + kind(value));
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      fields.put(field.getKey(), text(field.getValue(), "customFields." + field.getKey()));
    }
    return fields;
  }

  private static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case STRING -> "a string";
      default -> "null";
    };
  }

  private static DispatchException badRequest(String message) {
    return new DispatchException(400, message);
  }
}
