package com.emailgistics.webhooks.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code sendMessage} (spec 6.4). Template mode ({@code templateName}) and inline mode ({@code
 * body} + {@code bodyType}) are exclusive: any of {@code body}/{@code bodyType} next to {@code
 * templateName} counts as both modes, and {@code body} or {@code bodyType} alone counts as neither.
 * The normalised value is {@code {templateName | body, bodyType}, subject?, toAddresses,
 * ccAddresses?, bccAddresses?, inlineAssets?}}.
 */
final class SendMessageAction {
  static final String MODES = "sendMessage needs either templateName or body+bodyType";
  private static final Set<String> BODY_TYPES = Set.of("html", "text");

  private SendMessageAction() {}

  static ObjectNode normalise(ObjectNode value, MailboxIndex mailbox, List<String> notes) {
    JsonNode template = Json.given(value, "templateName");
    JsonNode body = Json.given(value, "body");
    JsonNode bodyType = Json.given(value, "bodyType");
    boolean inline = body != null || bodyType != null;
    if (template != null && inline) {
      throw new ActionRejected(MODES + ", not both");
    }
    if (template == null && !inline) {
      throw new ActionRejected(MODES + ", not neither");
    }
    if (inline && (body == null || bodyType == null)) {
      throw new ActionRejected(
          MODES
              + ", not neither ("
              + (body == null ? "bodyType without body" : "body without bodyType")
              + ")");
    }

    ObjectNode out = Json.object();
    if (template != null) {
      if (!template.isTextual() || template.textValue().isBlank()) {
        throw new ActionRejected("templateName must be a non-blank string, not " + template);
      }
      out.put("templateName", template.textValue());
    } else {
      if (!body.isTextual()) {
        throw new ActionRejected("body must be a string, not " + Json.kind(body));
      }
      if (!bodyType.isTextual() || !BODY_TYPES.contains(bodyType.textValue())) {
        throw new ActionRejected("bodyType must be \"html\" or \"text\", not " + bodyType);
      }
      out.put("body", body.textValue());
      out.put("bodyType", bodyType.textValue());
    }

    JsonNode subject = Json.given(value, "subject");
    if (subject != null && !subject.isTextual()) {
      notes.add("subject removed: it is " + Json.kind(subject) + ", not a string");
    } else if (subject != null) {
      out.put("subject", subject.textValue());
    }

    ArrayNode to = Addresses.read(value, "toAddresses", true, false);
    if (to.isEmpty()) {
      notes.add("toAddresses is empty; the product's default recipient is not documented");
    }
    out.set("toAddresses", to);
    for (String field : List.of("ccAddresses", "bccAddresses")) {
      ArrayNode addresses = Addresses.read(value, field, false, false);
      if (addresses != null) {
        out.set(field, addresses);
      }
    }

    JsonNode assets = Json.given(value, "inlineAssets");
    if (assets != null && template != null) {
      notes.add("inlineAssets removed: only inline mode (body+bodyType) carries inline assets");
    } else if (assets != null) {
      out.set("inlineAssets", inlineAssets(assets));
    }
    return out;
  }

  private static ArrayNode inlineAssets(JsonNode assets) {
    if (!assets.isArray()) {
      throw new ActionRejected("inlineAssets must be an array, not " + Json.kind(assets));
    }
    ArrayNode out = Json.array();
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < assets.size(); i++) {
      String where = "inlineAssets[" + i + "]";
      JsonNode asset = assets.get(i);
      if (!asset.isObject()) {
        throw new ActionRejected(where + " must be an object, not " + Json.kind(asset));
      }
      ObjectNode normalised = out.addObject();
      for (String field : List.of("id", "filename", "contentType", "base64Content")) {
        JsonNode node = Json.given(asset, field);
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
          throw new ActionRejected(where + "." + field + " must be a non-blank string");
        }
        normalised.put(field, node.textValue());
      }
      Integer previous = ids.putIfAbsent(normalised.get("id").textValue(), i);
      if (previous != null) {
        throw new ActionRejected(
            where
                + ".id "
                + Json.quote(normalised.get("id").textValue())
                + " repeats inlineAssets["
                + previous
                + "].id");
      }
      if (!isBase64(normalised.get("base64Content").textValue())) {
        throw new ActionRejected(where + ".base64Content is not valid base64");
      }
    }
    return out;
  }

  /** Standard alphabet; padding optional; line breaks and spaces (MIME-style wrapping) ignored. */
  static boolean isBase64(String text) {
    String compact = text.replaceAll("[ \\t\\r\\n]", "");
    try {
      Base64.getDecoder().decode(compact);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
