package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.RuleAction;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A rule's built-in actions (Tag, Assign, Forward) in the shape webhook actions have, so that one
 * validation (unknown tags and users dropped...) applies to both.
 */
final class StaticActions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StaticActions() {}

  static JsonNode toWebhookShape(RuleAction action) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode value = JSON.createObjectNode();
    switch (action.getType()) {
      case Tag -> {
        node.put("type", "tag");
        action.getTags().forEach(value.putArray("tags")::add);
      }
      case Assign -> {
        node.put("type", "assign");
        ArrayNode users = value.putObject("mainAssignment").putArray("users");
        action.getUsers().forEach(users::add);
      }
      case Forward -> {
        node.put("type", "forwardMessage");
        ArrayNode to = value.putArray("toAddresses");
        action
            .getForwardTo()
            .forEach(address -> to.addObject().putObject("emailAddress").put("address", address));
      }
      case UseWebhook -> throw new IllegalArgumentException("UseWebhook is not a built-in action");
    }
    node.set("value", value);
    return node;
  }
}
