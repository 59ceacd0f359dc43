package com.emailgistics.webhooks.actions;

import com.emailgistics.webhooks.api.MailboxSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validates and normalises the actions of a {@code "success"} answer against a mailbox's
 * configuration (spec 5.4 and 6), the way Emailgistics would apply them, but reporting every entry
 * the product would skip quietly. Pure: no I/O, no shared state, inputs are not modified.
 *
 * <p>Rules common to every action:
 *
 * <ul>
 *   <li>Actions are taken in array order; a dropped action never stops the ones after it.
 *   <li>An entry must be a JSON object with a string {@code type} and an object {@code value} (for
 *       {@code setCustomFields} the value is the flat key/value object itself).
 *   <li>{@code name} is optional; a non-string name is ignored with a note.
 *   <li>Type names are matched exactly ({@code "Tag"} is not {@code tag}). An unknown type is
 *       tolerated (spec 9): it is not applied and is listed as dropped, "unknown action type 'x'
 *       ignored". Its value is not inspected.
 *   <li>A field holding JSON {@code null} counts as not given.
 *   <li>Unknown fields inside a known action's value are ignored and left out of the normalised
 *       value, without a note (spec 9: parsers must ignore unknown fields).
 *   <li>When an action is dropped because nothing is left after dropping its bad entries, the
 *       reason ends with the notes gathered, so no detail is lost.
 * </ul>
 *
 * <p>Per type (details in the Javadoc of each handler):
 *
 * <ul>
 *   <li>{@code assign}: an AssignmentSpec with both or neither of {@code users} / {@code
 *       assignToAnyUser: true} (or a non-array {@code users}, or a non-boolean {@code
 *       assignToAnyUser}) is invalid: in the main assignment it drops the action, in a backup it
 *       drops that backup with a note. Users match display name or email, trimmed, ignoring case,
 *       and are kept as given; duplicates are kept. A spec left with no known user is kept with a
 *       note (the product falls through to the backups); the action is dropped when no spec has a
 *       known user or {@code assignToAnyUser}. Non-boolean {@code ignoreAvailability}/{@code
 *       ignoreMaxMessages} fall back to the defaults (false / true) with a note; {@code
 *       assignIfUserAvailableWithinMinutes} must be a non-negative JSON integer and {@code
 *       aaMethod} a JSON integer (both within int range, {@code 1.0} and {@code "1"} are not), else
 *       removed with a note.
 *   <li>{@code tag}: case-sensitive; an empty {@code tags} array drops the action.
 *   <li>{@code setCustomFields}: keys match case-sensitively; values over 100 code points are
 *       truncated (gap C1) and a multi-code-point emoji may be cut inside its sequence (gap C7),
 *       but never inside a surrogate pair; a null or empty validationPattern means no validation; a
 *       pattern that needs more than 1,000,000 character reads on one value (catastrophic
 *       backtracking) rejects the value. Duplicate key definitions: the first wins.
 *   <li>{@code sendMessage}: see {@link SendMessageAction}; an empty {@code toAddresses} is
 *       accepted with a note (the product's default recipient is undocumented); a malformed
 *       address, a non-array address list or an invalid inline asset drops the action; a non-string
 *       {@code subject} is removed with a note; {@code inlineAssets} in template mode is removed
 *       with a note.
 *   <li>{@code forwardMessage}: {@code toAddresses} must be non-empty; cc/bcc are removed with a
 *       note; a non-string {@code comment} is removed with a note.
 * </ul>
 */
public final class ActionProcessor {

  @FunctionalInterface
  private interface Handler {
    ObjectNode normalise(ObjectNode value, MailboxIndex mailbox, List<String> notes);
  }

  private static final Map<String, Handler> HANDLERS =
      Map.of(
          "assign", AssignAction::normalise,
          "tag", TagAction::normalise,
          "setCustomFields", CustomFieldsAction::normalise,
          "sendMessage", SendMessageAction::normalise,
          "forwardMessage", ForwardMessageAction::normalise);

  private final MailboxIndex index;

  /** A processor for one mailbox configuration; reusable and safe to share between threads. */
  public ActionProcessor(MailboxSpec mailbox) {
    this.index = new MailboxIndex(Objects.requireNonNull(mailbox, "mailbox"));
  }

  /** Validates the endpoint's actions in order against this processor's mailbox (spec 5.4, 6). */
  public ProcessedActions process(List<JsonNode> actions) {
    Objects.requireNonNull(actions, "actions");
    List<EffectiveAction> applied = new ArrayList<>();
    List<DroppedAction> dropped = new ArrayList<>();
    for (int i = 0; i < actions.size(); i++) {
      JsonNode action = actions.get(i);
      if (action == null || !action.isObject()) {
        dropped.add(new DroppedAction(i, null, null, "action " + i + " is not an object"));
        continue;
      }
      List<String> notes = new ArrayList<>();
      String name = null;
      JsonNode nameNode = Json.given(action, "name");
      if (nameNode != null && nameNode.isTextual()) {
        name = nameNode.textValue();
      } else if (nameNode != null) {
        notes.add("name ignored: it is " + Json.kind(nameNode) + ", not a string");
      }
      JsonNode typeNode = Json.given(action, "type");
      if (typeNode == null) {
        dropped.add(new DroppedAction(i, null, name, "action " + i + " has no 'type'"));
        continue;
      }
      if (!typeNode.isTextual()) {
        dropped.add(
            new DroppedAction(
                i,
                null,
                name,
                "action " + i + " has a 'type' that is " + Json.kind(typeNode) + ", not a string"));
        continue;
      }
      String type = typeNode.textValue();
      Handler handler = HANDLERS.get(type);
      if (handler == null) {
        dropped.add(
            new DroppedAction(
                i, type, name, "unknown action type " + Json.quote(type) + " ignored"));
        continue;
      }
      JsonNode value = action.get("value");
      if (value == null || !value.isObject()) {
        dropped.add(
            new DroppedAction(i, type, name, "value must be an object, not " + Json.kind(value)));
        continue;
      }
      try {
        ObjectNode normalised = handler.normalise((ObjectNode) value, index, notes);
        applied.add(new EffectiveAction(i, type, name, normalised, notes));
      } catch (ActionRejected e) {
        dropped.add(new DroppedAction(i, type, name, e.getMessage()));
      }
    }
    return new ProcessedActions(applied, dropped);
  }
}
