package com.emailgistics.webhooks.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** {@code tag} (spec 6.2): only tags defined on the mailbox, matched case-sensitively. */
final class TagAction {
  private TagAction() {}

  static ObjectNode normalise(ObjectNode value, MailboxIndex mailbox, List<String> notes) {
    JsonNode tags = Json.given(value, "tags");
    if (tags == null) {
      throw new ActionRejected("value.tags is required");
    }
    if (!tags.isArray()) {
      throw new ActionRejected("value.tags must be an array of strings, not " + Json.kind(tags));
    }
    if (tags.isEmpty()) {
      throw new ActionRejected("value.tags is empty");
    }
    ObjectNode out = Json.object();
    ArrayNode known = out.putArray("tags");
    for (int i = 0; i < tags.size(); i++) {
      JsonNode tag = tags.get(i);
      if (!tag.isTextual()) {
        notes.add("tags[" + i + "] dropped: it is " + Json.kind(tag) + ", not a string");
      } else if (mailbox.isKnownTag(tag.textValue())) {
        known.add(tag.textValue());
      } else {
        String other = mailbox.tagDifferingInCase(tag.textValue());
        notes.add(
            "unknown tag "
                + Json.quote(tag.textValue())
                + " dropped"
                + (other == null
                    ? ""
                    : " (tags match case-sensitively; the mailbox defines "
                        + Json.quote(other)
                        + ")"));
      }
    }
    if (known.isEmpty()) {
      throw ActionRejected.withNotes("no tag is defined on the mailbox", notes);
    }
    return out;
  }
}
