package com.emailgistics.webhooks.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code assign} (spec 6.1). The normalised value is {@code {mainAssignment, backupAssignments}}
 * ({@code backupAssignments} always present, possibly empty); each AssignmentSpec holds either
 * {@code users} (only the known entries, as given) or {@code assignToAnyUser: true}, then {@code
 * ignoreAvailability} (default false), {@code ignoreMaxMessages} (default true) and, when valid,
 * {@code assignIfUserAvailableWithinMinutes} and {@code aaMethod}.
 */
final class AssignAction {
  private AssignAction() {}

  static ObjectNode normalise(ObjectNode value, MailboxIndex mailbox, List<String> notes) {
    JsonNode main = Json.given(value, "mainAssignment");
    if (main == null) {
      throw new ActionRejected("value.mainAssignment is required");
    }
    if (!main.isObject()) {
      throw new ActionRejected("value.mainAssignment must be an object, not " + Json.kind(main));
    }
    String mainProblem = shapeProblem(main);
    if (mainProblem != null) {
      throw new ActionRejected("value.mainAssignment is invalid: " + mainProblem);
    }
    ObjectNode out = Json.object();
    ObjectNode mainSpec = normaliseSpec(main, "mainAssignment", mailbox, notes);
    boolean anyPool = hasPool(mainSpec);
    out.set("mainAssignment", mainSpec);

    ArrayNode backups = Json.array();
    JsonNode given = Json.given(value, "backupAssignments");
    if (given != null && !given.isArray()) {
      notes.add("backupAssignments ignored: it is " + Json.kind(given) + ", not an array");
    } else if (given != null) {
      for (int i = 0; i < given.size(); i++) {
        String where = "backupAssignments[" + i + "]";
        JsonNode backup = given.get(i);
        if (!backup.isObject()) {
          notes.add(where + " dropped: it is " + Json.kind(backup) + ", not an object");
          continue;
        }
        String problem = shapeProblem(backup);
        if (problem != null) {
          notes.add(where + " dropped: " + problem);
          continue;
        }
        ObjectNode spec = normaliseSpec(backup, where, mailbox, notes);
        anyPool |= hasPool(spec);
        backups.add(spec);
      }
    }
    out.set("backupAssignments", backups);
    if (!anyPool) {
      throw ActionRejected.withNotes("no known users in any assignment", notes);
    }
    return out;
  }

  /** Null when the spec sets exactly one of {@code users} or {@code assignToAnyUser: true}. */
  private static String shapeProblem(JsonNode spec) {
    JsonNode users = Json.given(spec, "users");
    JsonNode any = Json.given(spec, "assignToAnyUser");
    if (users != null && !users.isArray()) {
      return "users must be an array of strings, not " + Json.kind(users);
    }
    if (any != null && !any.isBoolean()) {
      return "assignToAnyUser must be a boolean, not " + Json.kind(any);
    }
    boolean anyUser = any != null && any.booleanValue();
    if (users != null && anyUser) {
      return "it must set exactly one of 'users' or 'assignToAnyUser: true', not both";
    }
    if (users == null && !anyUser) {
      return "it must set exactly one of 'users' or 'assignToAnyUser: true', not neither";
    }
    return null;
  }

  private static boolean hasPool(ObjectNode spec) {
    return spec.path("assignToAnyUser").asBoolean(false) || !spec.path("users").isEmpty();
  }

  private static ObjectNode normaliseSpec(
      JsonNode spec, String where, MailboxIndex mailbox, List<String> notes) {
    ObjectNode out = Json.object();
    JsonNode users = Json.given(spec, "users");
    if (users == null) {
      out.put("assignToAnyUser", true);
    } else {
      ArrayNode known = out.putArray("users");
      for (int i = 0; i < users.size(); i++) {
        JsonNode user = users.get(i);
        if (!user.isTextual()) {
          notes.add(
              where + ".users[" + i + "] dropped: it is " + Json.kind(user) + ", not a string");
        } else if (!mailbox.isKnownUser(user.textValue())) {
          notes.add("unknown user " + Json.quote(user.textValue()) + " dropped from " + where);
        } else {
          known.add(user.textValue());
        }
      }
      if (known.isEmpty()) {
        notes.add(
            where
                + " has no known user left, so its pool is empty"
                + (where.equals("mainAssignment") ? " and the backups are tried" : ""));
      }
    }
    out.put("ignoreAvailability", flag(spec, "ignoreAvailability", false, where, notes));
    out.put("ignoreMaxMessages", flag(spec, "ignoreMaxMessages", true, where, notes));
    JsonNode minutes = Json.given(spec, "assignIfUserAvailableWithinMinutes");
    if (minutes != null) {
      if (Json.isInt(minutes) && minutes.intValue() >= 0) {
        out.put("assignIfUserAvailableWithinMinutes", minutes.intValue());
      } else {
        notes.add(
            where
                + ".assignIfUserAvailableWithinMinutes removed: it must be a non-negative integer, not "
                + minutes);
      }
    }
    JsonNode method = Json.given(spec, "aaMethod");
    if (method != null) {
      if (Json.isInt(method)) {
        out.put("aaMethod", method.intValue());
      } else {
        notes.add(where + ".aaMethod removed: it must be an integer, not " + method);
      }
    }
    return out;
  }

  private static boolean flag(
      JsonNode spec, String field, boolean byDefault, String where, List<String> notes) {
    JsonNode node = Json.given(spec, field);
    if (node == null) {
      return byDefault;
    }
    if (!node.isBoolean()) {
      notes.add(
          where
              + "."
              + field
              + " is "
              + Json.kind(node)
              + ", not a boolean; the default "
              + byDefault
              + " applies");
      return byDefault;
    }
    return node.booleanValue();
  }
}
