package com.emailgistics.webhooks.actions;

import com.emailgistics.webhooks.api.CustomFieldDefinition;
import com.emailgistics.webhooks.api.MailboxSpec;
import com.emailgistics.webhooks.api.MailboxUser;
import com.emailgistics.webhooks.rules.BoundedRegex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One version of a mailbox's configuration as {@link ActionProcessor} needs it, built once and read
 * by every message to the mailbox (from any event loop: the pattern cache is concurrent). Each
 * custom field pattern is compiled at most once, and pattern matching is bounded so that a
 * catastrophically backtracking pattern cannot hang the caller.
 */
final class MailboxIndex {
  private final List<String> userKeys = new ArrayList<>();
  private final Set<String> tags = new LinkedHashSet<>();
  private final Map<String, CustomFieldDefinition> customFields = new HashMap<>();
  private final Map<String, Object> compiled = new ConcurrentHashMap<>();

  MailboxIndex(MailboxSpec mailbox) {
    for (MailboxUser user : mailbox.getUsers()) {
      if (user == null) {
        continue;
      }
      for (String key : new String[] {user.getDisplayName(), user.getEmail()}) {
        if (key != null && !key.isBlank()) {
          userKeys.add(key.strip());
        }
      }
    }
    mailbox.getTags().stream().filter(Objects::nonNull).forEach(tags::add);
    for (CustomFieldDefinition field : mailbox.getCustomFields()) {
      if (field != null && field.getKey() != null) {
        customFields.putIfAbsent(field.getKey(), field); // duplicates: the first definition wins
      }
    }
  }

  /**
   * Whether a user entry names a mailbox user by display name or email (trimmed, ignoring case).
   */
  boolean isKnownUser(String entry) {
    String wanted = entry.strip();
    for (String key : userKeys) {
      if (key.equalsIgnoreCase(wanted)) {
        return true;
      }
    }
    return false;
  }

  boolean isKnownTag(String tag) {
    return tags.contains(tag);
  }

  /** A defined tag equal to {@code tag} but for case, to hint at a case-sensitivity mistake. */
  String tagDifferingInCase(String tag) {
    return tags.stream().filter(t -> t.equalsIgnoreCase(tag)).findFirst().orElse(null);
  }

  CustomFieldDefinition customField(String key) {
    return customFields.get(key);
  }

  String customFieldKeyDifferingInCase(String key) {
    return customFields.keySet().stream()
        .filter(k -> k.equalsIgnoreCase(key))
        .sorted()
        .findFirst()
        .orElse(null);
  }

  /**
   * Checks {@code value} against the field's validation pattern, which must match the whole value.
   * A null or empty pattern means no validation.
   *
   * @return null when the value is acceptable, otherwise why not
   */
  String patternProblem(CustomFieldDefinition field, String value) {
    String source = field.getValidationPattern();
    if (source == null || source.isEmpty()) {
      return null;
    }
    Object pattern = compiled.computeIfAbsent(source, MailboxIndex::compile);
    if (pattern instanceof String problem) {
      return "its validationPattern "
          + Json.quote(source)
          + " is not a valid regular expression ("
          + problem
          + ")";
    }
    return switch (BoundedRegex.matches((Pattern) pattern, value)) {
      case YES -> null;
      case NO -> "the value does not match its validationPattern " + Json.quote(source);
      case TOO_COSTLY ->
          "its validationPattern "
              + Json.quote(source)
              + " took too long on the value (catastrophic backtracking?)";
    };
  }

  /** A compiled {@link Pattern}, or the syntax problem as a String. */
  private static Object compile(String source) {
    try {
      return Pattern.compile(source);
    } catch (PatternSyntaxException e) {
      return e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
    }
  }
}
