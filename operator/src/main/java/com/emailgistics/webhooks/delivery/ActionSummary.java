package com.emailgistics.webhooks.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Collectors;

/** "2 actions: tag "Mark VIP", assign" — what Test Webhook shows about the returned actions. */
public final class ActionSummary {
  private ActionSummary() {}

  public static String describe(List<JsonNode> actions) {
    if (actions.isEmpty()) {
      return "0 actions";
    }
    String items =
        actions.stream().map(ActionSummary::describeOne).collect(Collectors.joining(", "));
    return actions.size() + (actions.size() == 1 ? " action: " : " actions: ") + items;
  }

  private static String describeOne(JsonNode action) {
    String type = action.path("type").isTextual() ? action.get("type").asText() : "(no type)";
    return action.path("name").isTextual()
        ? type + " \"" + action.get("name").asText() + "\""
        : type;
  }
}
