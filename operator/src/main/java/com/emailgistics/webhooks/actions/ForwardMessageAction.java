package com.emailgistics.webhooks.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code forwardMessage} (spec 6.5): a non-empty {@code toAddresses} and an optional plain-text
 * {@code comment}. The action has no Cc/Bcc, so {@code ccAddresses}/{@code bccAddresses} are
 * removed with a note rather than silently turned into something else.
 */
final class ForwardMessageAction {
  private ForwardMessageAction() {}

  static ObjectNode normalise(ObjectNode value, MailboxIndex mailbox, List<String> notes) {
    ObjectNode out = Json.object();
    out.set("toAddresses", Addresses.read(value, "toAddresses", true, true));
    JsonNode comment = Json.given(value, "comment");
    if (comment != null && !comment.isTextual()) {
      notes.add("comment removed: it is " + Json.kind(comment) + ", not a string");
    } else if (comment != null) {
      out.put("comment", comment.textValue());
    }
    for (String field : List.of("ccAddresses", "bccAddresses")) {
      if (Json.given(value, field) != null) {
        notes.add(
            field + " dropped: forwardMessage has no cc/bcc; put every recipient in toAddresses");
      }
    }
    return out;
  }
}
