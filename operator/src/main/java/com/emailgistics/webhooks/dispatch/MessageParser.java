package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.json.Json;
import com.emailgistics.webhooks.message.BodyText;
import com.emailgistics.webhooks.message.DateTimes;
import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.message.Message;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a posted message (the fields of spec section 4) in one pass over the request bytes, naming
 * the first field that is wrong. Unknown fields are skipped, as the product's versioning rules ask.
 * What is required and what is derived (docs/design-decisions.md, "Dispatch endpoint"): {@code id}
 * and a sender ({@code from} or {@code sender}) are required; {@code received} and {@code
 * timestamp} default to the arrival time, {@code event} to "received", the other strings to "".
 * Addresses must be well formed and date-times RFC 3339, so a payload never carries a null, a
 * malformed date-time or a malformed address. {@code bodyHtml} is delivered as its plain text.
 * Duplicate keys, nesting deeper than {@link Json#MAX_NESTING} and keys longer than {@link
 * Json#MAX_NAME_LENGTH} are malformed JSON.
 */
final class MessageParser {
  private final Clock clock;

  MessageParser(Clock clock) {
    this.clock = clock;
  }

  Message parse(byte[] body) throws DispatchException {
    try (JsonParser json = Json.parser(body)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw badRequest("the body must be a JSON object holding the message");
      }
      Message message = readMessage(json);
      if (json.nextToken() != null) {
        throw badRequest(
            "malformed JSON: content after the message object (line "
                + json.currentLocation().getLineNr()
                + ", column "
                + json.currentLocation().getColumnNr()
                + ")");
      }
      return message;
    } catch (JsonProcessingException e) {
      throw badRequest(
          "malformed JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " (line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()
                      + ")"));
    } catch (IOException e) {
      throw badRequest("unreadable body: " + e.getMessage());
    }
  }

  private Message readMessage(JsonParser json) throws IOException, DispatchException {
    String id = null;
    String event = null;
    String internetMessageId = null;
    String received = null;
    String mailbox = null;
    EmailAddress sender = null;
    EmailAddress from = null;
    List<EmailAddress> to = List.of();
    List<EmailAddress> cc = List.of();
    String subject = null;
    boolean hasAttachments = false;
    String timestamp = null;
    String conversationId = null;
    String bodyText = null;
    String bodyHtml = null;
    Map<String, String> customFields = Map.of();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      json.nextToken();
      switch (field) {
        case "id" -> id = text(json, field);
        case "event" -> event = text(json, field);
        case "internetMessageId" -> internetMessageId = text(json, field);
        case "received" -> received = text(json, field);
        case "mailbox" -> mailbox = text(json, field);
        case "sender" -> sender = address(json, field);
        case "from" -> from = address(json, field);
        case "to" -> to = addresses(json, field);
        case "cc" -> cc = addresses(json, field);
        case "subject" -> subject = text(json, field);
        case "hasAttachments" -> hasAttachments = bool(json, field);
        case "timestamp" -> timestamp = text(json, field);
        case "conversationId" -> conversationId = text(json, field);
        case "bodyText" -> bodyText = text(json, field);
        case "bodyHtml" -> bodyHtml = text(json, field);
        case "customFields" -> customFields = customFields(json);
        default -> json.skipChildren();
      }
    }
    if (id == null || id.isBlank()) {
      throw badRequest("field 'id' is required");
    }
    if (sender == null && from == null) {
      throw badRequest("field 'from' (or 'sender') is required");
    }
    if (bodyText != null && bodyHtml != null) {
      throw badRequest("give the body as 'bodyText' or as 'bodyHtml', not both");
    }
    String arrival =
        received == null || timestamp == null
            ? Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString()
            : null;
    return new Message(
        id,
        event == null || event.isBlank() ? Message.RECEIVED : event,
        orEmpty(internetMessageId),
        received == null ? arrival : dateTime(received, "received"),
        mailbox,
        sender == null ? from : sender,
        from == null ? sender : from,
        to,
        cc,
        orEmpty(subject),
        hasAttachments,
        timestamp == null ? arrival : dateTime(timestamp, "timestamp"),
        orEmpty(conversationId),
        bodyHtml != null
            ? BodyText.fromHtml(bodyHtml)
            : bodyText == null ? null : BodyText.capped(bodyText),
        customFields);
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  private static String dateTime(String text, String field) throws DispatchException {
    if (!DateTimes.isRfc3339(text)) {
      throw badRequest(
          "field '"
              + field
              + "' must be an RFC 3339 date-time such as 2025-03-14T15:09:26Z, not "
              + excerpt(text));
    }
    return text;
  }

  /** The current value as a string; null for JSON null. */
  private static String text(JsonParser json, String path) throws IOException, DispatchException {
    return switch (json.currentToken()) {
      case VALUE_NULL -> null;
      case VALUE_STRING -> json.getText();
      default -> throw wrongType(json, path, "a string");
    };
  }

  private static boolean bool(JsonParser json, String path) throws IOException, DispatchException {
    return switch (json.currentToken()) {
      case VALUE_NULL, VALUE_FALSE -> false;
      case VALUE_TRUE -> true;
      default ->
          throw badRequest(
              "field '" + path + "' must be true or false, not " + kind(json.currentToken()));
    };
  }

  /** {@code {"emailAddress": {"name": ..., "address": ...}}}; null for JSON null. */
  private static EmailAddress address(JsonParser json, String path)
      throws IOException, DispatchException {
    if (json.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (json.currentToken() != JsonToken.START_OBJECT) {
      throw notAnAddress(path);
    }
    EmailAddress address = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      json.nextToken();
      if (!field.equals("emailAddress")) {
        json.skipChildren();
        continue;
      }
      if (json.currentToken() != JsonToken.START_OBJECT) {
        throw notAnAddress(path);
      }
      String name = null;
      String value = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String inner = json.currentName();
        json.nextToken();
        switch (inner) {
          case "name" -> name = text(json, path + ".emailAddress.name");
          case "address" -> value = text(json, path + ".emailAddress.address");
          default -> json.skipChildren();
        }
      }
      if (value == null || value.isBlank()) {
        throw badRequest("field '" + path + ".emailAddress.address' is required");
      }
      if (!EmailAddress.isWellFormed(value)) {
        throw badRequest(
            "field '"
                + path
                + ".emailAddress.address' must be an email address such as"
                + " pat@customer.example, not "
                + excerpt(value));
      }
      address = new EmailAddress(orEmpty(name), value);
    }
    if (address == null) {
      throw notAnAddress(path);
    }
    return address;
  }

  private static List<EmailAddress> addresses(JsonParser json, String path)
      throws IOException, DispatchException {
    if (json.currentToken() == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (json.currentToken() != JsonToken.START_ARRAY) {
      throw wrongType(json, path, "an array of addresses");
    }
    List<EmailAddress> addresses = new ArrayList<>();
    while (json.nextToken() != JsonToken.END_ARRAY) {
      String element = path + "[" + addresses.size() + "]";
      EmailAddress address = address(json, element);
      if (address == null) {
        throw badRequest("field '" + element + "' must be an address, not null");
      }
      addresses.add(address);
    }
    return addresses;
  }

  private static Map<String, String> customFields(JsonParser json)
      throws IOException, DispatchException {
    if (json.currentToken() == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (json.currentToken() != JsonToken.START_OBJECT) {
      throw wrongType(json, "customFields", "an object of strings");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String key = json.currentName();
      json.nextToken();
      String path = "customFields." + key;
      if (json.currentToken() != JsonToken.VALUE_STRING) {
        throw wrongType(json, path, "a string");
      }
      fields.put(key, json.getText());
    }
    return fields;
  }

  /** The caller's value quoted for an error, cut so that an error never echoes a whole body. */
  private static String excerpt(String value) {
    int max = 100;
    return "'" + (value.length() <= max ? value : value.substring(0, max) + "…") + "'";
  }

  private static DispatchException notAnAddress(String path) {
    return badRequest(
        "field '"
            + path
            + "' must be an object {\"emailAddress\": {\"name\": ..., \"address\": ...}}");
  }

  private static DispatchException wrongType(JsonParser json, String path, String expected) {
    return badRequest(
        "field '" + path + "' must be " + expected + ", not " + kind(json.currentToken()));
  }

  private static String kind(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_STRING -> "a string";
      default -> "null";
    };
  }

  private static DispatchException badRequest(String message) {
    return new DispatchException(400, message);
  }
}
