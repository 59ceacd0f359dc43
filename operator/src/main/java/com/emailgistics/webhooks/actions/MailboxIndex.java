package com.emailgistics.webhooks.actions;

import com.emailgistics.webhooks.api.CustomFieldDefinition;
import com.emailgistics.webhooks.api.MailboxSpec;
import com.emailgistics.webhooks.api.MailboxUser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The mailbox configuration as one call of {@link ActionProcessor#process} needs it. Each custom
 * field pattern is compiled at most once per call (cached by pattern text), and pattern matching
 * is bounded so that a catastrophically backtracking pattern cannot hang the caller.
 */
final class MailboxIndex {
  /** Character reads one whole-match may make: ample for 100 code points, fatal to exponential backtracking. */
  static final int MATCH_BUDGET = 1_000_000;

  private final List<String> userKeys = new ArrayList<>();
  private final Set<String> tags = new LinkedHashSet<>();
  private final Map<String, CustomFieldDefinition> customFields = new HashMap<>();
  private final Map<String, Object> compiled = new HashMap<>();

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

  /** Whether a user entry names a mailbox user by display name or email (trimmed, ignoring case). */
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
    return customFields.keySet().stream().filter(k -> k.equalsIgnoreCase(key)).sorted().findFirst().orElse(null);
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
      return "its validationPattern " + Json.quote(source) + " is not a valid regular expression ("
          + problem + ")";
    }
    try {
      if (((Pattern) pattern).matcher(new BudgetedChars(value)).matches()) {
        return null;
      }
      return "the value does not match its validationPattern " + Json.quote(source);
    } catch (BudgetExceeded e) {
      return "its validationPattern " + Json.quote(source)
          + " took too long on the value (catastrophic backtracking?)";
    } catch (StackOverflowError e) {
      return "its validationPattern " + Json.quote(source) + " overflowed the stack on the value";
    }
  }

  /** A compiled {@link Pattern}, or the syntax problem as a String. */
  private static Object compile(String source) {
    try {
      return Pattern.compile(source);
    } catch (PatternSyntaxException e) {
      return e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
    }
  }

  private static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetExceeded() {
      super(null, null, false, false);
    }
  }

  /** A string whose characters may be read only {@link #MATCH_BUDGET} times in all. */
  private static final class BudgetedChars implements CharSequence {
    private final String text;
    private int budget = MATCH_BUDGET;

    BudgetedChars(String text) {
      this.text = text;
    }

    @Override
    public char charAt(int index) {
      if (--budget < 0) {
        throw new BudgetExceeded();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
