package com.emailgistics.webhooks.actions;

import com.emailgistics.webhooks.api.CustomFieldDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * {@code setCustomFields} (spec 6.3): {@code value} is the flat key/value object. Entries are
 * checked one by one: unknown key, non-string value, then (unless the value is {@code ""}) the
 * 100-code-point cap (truncation) and the field's whole-match validation pattern.
 */
final class CustomFieldsAction {
  static final int MAX_CODE_POINTS = 100;

  private CustomFieldsAction() {}

  static ObjectNode normalise(ObjectNode value, MailboxIndex mailbox, List<String> notes) {
    if (value.isEmpty()) {
      throw new ActionRejected("value has no custom field entries");
    }
    ObjectNode out = Json.object();
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      String key = entry.getKey();
      CustomFieldDefinition field = mailbox.customField(key);
      if (field == null) {
        String other = mailbox.customFieldKeyDifferingInCase(key);
        notes.add(
            "unknown custom field "
                + Json.quote(key)
                + " dropped"
                + (other == null
                    ? ""
                    : " (keys match case-sensitively; the mailbox defines "
                        + Json.quote(other)
                        + ")"));
        continue;
      }
      JsonNode node = entry.getValue();
      if (!node.isTextual()) {
        notes.add(
            "custom field "
                + Json.quote(key)
                + " dropped: its value is "
                + Json.kind(node)
                + ", not a string");
        continue;
      }
      String text = node.textValue();
      if (text.isEmpty()) {
        out.put(key, text); // clears the field; no validation (spec 6.3)
        continue;
      }
      String truncated = truncate(text);
      if (!truncated.equals(text)) {
        notes.add(key + " truncated to " + MAX_CODE_POINTS + " characters");
      }
      String problem = mailbox.patternProblem(field, truncated);
      if (problem != null) {
        notes.add("custom field " + Json.quote(key) + " dropped: " + problem);
        continue;
      }
      out.put(key, truncated);
    }
    if (out.isEmpty()) {
      throw ActionRejected.withNotes("every custom field entry was dropped", notes);
    }
    return out;
  }

  /** The first 100 code points; a surrogate pair is never split. */
  static String truncate(String text) {
    if (text.codePointCount(0, text.length()) <= MAX_CODE_POINTS) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, MAX_CODE_POINTS));
  }
}
