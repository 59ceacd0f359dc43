package com.emailgistics.webhooks.delivery;

import com.emailgistics.webhooks.json.Json;
import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.message.Message;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the JSON body of a delivery (spec section 4) straight into the buffer that is sent. {@code
 * bodyText} and {@code customFields} are added only when the webhook includes them, and {@code
 * customFields} only when values exist (sorted by key, so payloads are reproducible).
 */
public final class PayloadWriter {
  private PayloadWriter() {}

  public static Buffer write(Message message, PayloadOptions options) {
    int sizeHint =
        1024
            + (options.includeMessageText() && message.bodyText() != null
                ? message.bodyText().length()
                : 0);
    return Json.write(sizeHint, json -> write(message, options, json));
  }

  private static void write(Message message, PayloadOptions options, JsonGenerator json)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("id", message.id());
    json.writeStringField("event", message.event());
    json.writeStringField("internetMessageId", message.internetMessageId());
    json.writeStringField("received", message.received());
    json.writeStringField("mailbox", message.mailbox());
    address(json, "sender", message.sender());
    address(json, "from", message.from());
    addresses(json, "to", message.to());
    addresses(json, "cc", message.cc());
    json.writeStringField("subject", message.subject());
    json.writeBooleanField("hasAttachments", message.hasAttachments());
    json.writeStringField("timestamp", message.timestamp());
    json.writeStringField("conversationId", message.conversationId());
    if (options.includeMessageText() && message.bodyText() != null) {
      json.writeStringField("bodyText", message.bodyText());
    }
    if (options.includeCustomFields() && !message.customFields().isEmpty()) {
      json.writeObjectFieldStart("customFields");
      for (Map.Entry<String, String> field : new TreeMap<>(message.customFields()).entrySet()) {
        json.writeStringField(field.getKey(), field.getValue());
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private static void address(JsonGenerator json, String field, EmailAddress address)
      throws IOException {
    json.writeFieldName(field);
    address(json, address);
  }

  private static void address(JsonGenerator json, EmailAddress address) throws IOException {
    json.writeStartObject();
    if (address != null) {
      json.writeObjectFieldStart("emailAddress");
      json.writeStringField("name", address.name() == null ? "" : address.name());
      json.writeStringField("address", address.address());
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private static void addresses(JsonGenerator json, String field, List<EmailAddress> addresses)
      throws IOException {
    json.writeArrayFieldStart(field);
    for (EmailAddress address : addresses) {
      address(json, address);
    }
    json.writeEndArray();
  }
}
