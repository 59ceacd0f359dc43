package com.emailgistics.webhooks.actions;

import com.emailgistics.webhooks.message.EmailAddress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Arrays of the {@code Address} shape (spec 4.5): {@code {"emailAddress":{"address":"x@y",
 * "name":"optional"}}}, with addresses held to the same shape as the message's own
 * (EmailAddress.isWellFormed). One malformed entry rejects the whole action: a message to a
 * malformed recipient list should not be sent.
 */
final class Addresses {
  private Addresses() {}

  /**
   * The normalised array in {@code value.field}, or null when the field is not given and not
   * required.
   */
  static ArrayNode read(ObjectNode value, String field, boolean required, boolean nonEmpty) {
    JsonNode list = Json.given(value, field);
    if (list == null) {
      if (required) {
        throw new ActionRejected(field + " is required");
      }
      return null;
    }
    if (!list.isArray()) {
      throw new ActionRejected(field + " must be an array of Address, not " + Json.kind(list));
    }
    if (nonEmpty && list.isEmpty()) {
      throw new ActionRejected(field + " must not be empty");
    }
    ArrayNode out = Json.array();
    for (int i = 0; i < list.size(); i++) {
      String problem = problem(list.get(i));
      if (problem != null) {
        throw new ActionRejected(field + "[" + i + "] is not a valid Address: " + problem);
      }
      JsonNode email = list.get(i).get("emailAddress");
      ObjectNode normalised = out.addObject().putObject("emailAddress");
      normalised.put("address", email.get("address").textValue());
      JsonNode name = Json.given(email, "name");
      if (name != null) {
        normalised.put("name", name.textValue());
      }
    }
    return out;
  }

  private static String problem(JsonNode entry) {
    if (!entry.isObject()) {
      return "it is " + Json.kind(entry) + ", not an object";
    }
    JsonNode email = Json.given(entry, "emailAddress");
    if (email == null || !email.isObject()) {
      return "emailAddress must be an object";
    }
    JsonNode address = Json.given(email, "address");
    if (address == null || !address.isTextual()) {
      return "emailAddress.address must be a string";
    }
    if (address.textValue().isBlank()) {
      return "emailAddress.address is blank";
    }
    if (!EmailAddress.isWellFormed(address.textValue())) {
      return "emailAddress.address "
          + Json.quote(address.textValue())
          + " is not a well-formed address (one '@' between a local part and dot-separated domain"
          + " labels, no spaces, at most "
          + EmailAddress.MAX_LENGTH
          + " characters)";
    }
    JsonNode name = Json.given(email, "name");
    if (name != null && !name.isTextual()) {
      return "emailAddress.name must be a string, not " + Json.kind(name);
    }
    return null;
  }
}
