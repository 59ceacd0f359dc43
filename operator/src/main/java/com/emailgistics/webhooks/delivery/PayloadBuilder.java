package com.emailgistics.webhooks.delivery;

import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.message.Message;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Builds the JSON body of a delivery (spec section 4). {@code bodyText} and {@code customFields}
 * are added only when the webhook includes them, and {@code customFields} only when values exist.
 */
public final class PayloadBuilder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PayloadBuilder() {}

  public static ObjectNode build(Message message, PayloadOptions options) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("id", message.id());
    payload.put("event", message.event());
    payload.put("internetMessageId", message.internetMessageId());
    payload.put("received", message.received());
    payload.put("mailbox", message.mailbox());
    payload.set("sender", address(message.sender()));
    payload.set("from", address(message.from()));
    payload.set("to", addresses(message.to()));
    payload.set("cc", addresses(message.cc()));
    payload.put("subject", message.subject());
    payload.put("hasAttachments", message.hasAttachments());
    payload.put("timestamp", message.timestamp());
    payload.put("conversationId", message.conversationId());
    if (options.includeMessageText() && message.bodyText() != null) {
      payload.put("bodyText", message.bodyText());
    }
    if (options.includeCustomFields() && !message.customFields().isEmpty()) {
      ObjectNode fields = payload.putObject("customFields");
      message.customFields().entrySet().stream()
          .sorted(java.util.Map.Entry.comparingByKey())
          .forEach(field -> fields.put(field.getKey(), field.getValue()));
    }
    return payload;
  }

  public static byte[] toBytes(ObjectNode payload) {
    try {
      return JSON.writeValueAsBytes(payload);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  private static ObjectNode address(EmailAddress address) {
    ObjectNode wrapper = JSON.createObjectNode();
    if (address == null) {
      return wrapper;
    }
    ObjectNode emailAddress = wrapper.putObject("emailAddress");
    emailAddress.put("name", address.name() == null ? "" : address.name());
    emailAddress.put("address", address.address());
    return wrapper;
  }

  private static ArrayNode addresses(List<EmailAddress> addresses) {
    ArrayNode array = JSON.createArrayNode();
    addresses.forEach(address -> array.add(address(address)));
    return array;
  }
}
