package com.emailgistics.webhooks.rules;

import com.emailgistics.webhooks.api.MailboxRuleSpec;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.message.Message;
import com.emailgistics.webhooks.rules.BoundedRegex.Match;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/** Validates a MailboxRule's conditions and turns them into predicates over messages. */
public final class RuleCompiler {
  private RuleCompiler() {}

  public static CompiledRule compile(String ruleName, MailboxRuleSpec spec)
      throws InvalidRuleException {
    return new CompiledRule(
        ruleName,
        spec.getPriority(),
        spec.isEnabled(),
        spec.getMatch(),
        compileAll("spec.conditions", spec.getConditions()),
        compileAll("spec.exceptions", spec.getExceptions()),
        spec.isStopProcessing());
  }

  private static List<CompiledCondition> compileAll(String field, List<RuleCondition> conditions)
      throws InvalidRuleException {
    List<CompiledCondition> compiled = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      compiled.add(compile(field + "[" + i + "]", conditions.get(i)));
    }
    return compiled;
  }

  static CompiledCondition compile(String field, RuleCondition condition)
      throws InvalidRuleException {
    if (condition.getType() == null) {
      throw new InvalidRuleException(field + ".type", "condition type is missing");
    }
    String label = field.substring(field.lastIndexOf('.') + 1) + " (" + condition.getType() + ")";
    List<String> values = condition.getValues();
    if (condition.getType() != RuleConditionType.HasAttachments) {
      checkValues(field, values);
    }
    boolean caseSensitive = condition.isCaseSensitive();
    CompiledCondition.Test test =
        switch (condition.getType()) {
          case SubjectMatches ->
              textMatches(Message::subject, patterns(field, values, caseSensitive));
          case BodyMatches ->
              textMatches(Message::bodyText, patterns(field, values, caseSensitive));
          default ->
              CompiledCondition.Test.of(predicate(condition.getType(), values, caseSensitive));
        };
    return new CompiledCondition(label, test);
  }

  private static Predicate<Message> predicate(
      RuleConditionType type, List<String> values, boolean caseSensitive) {
    return switch (type) {
      case SubjectContains -> textContains(Message::subject, values, caseSensitive);
      case BodyContains -> textContains(Message::bodyText, values, caseSensitive);
      case SenderAddressIs -> addressIs(Message::sender, values);
      case FromAddressIs -> addressIs(Message::from, values);
      case SenderDomainIs -> domainIs(Message::sender, values);
      case FromDomainIs -> domainIs(Message::from, values);
      case ToContains -> recipientContains(Message::to, values);
      case CcContains -> recipientContains(Message::cc, values);
      case RecipientContains ->
          recipientContains(
              message -> Stream.concat(message.to().stream(), message.cc().stream()).toList(),
              values);
      case HasAttachments -> Message::hasAttachments;
      case SubjectMatches, BodyMatches ->
          throw new IllegalArgumentException(type + " is a regular expression");
    };
  }

  private static void checkValues(String field, List<String> values) throws InvalidRuleException {
    if (values.isEmpty()) {
      throw new InvalidRuleException(field + ".values", "at least one value is required");
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null || values.get(i).isBlank()) {
        throw new InvalidRuleException(field + ".values[" + i + "]", "value is empty");
      }
    }
  }

  private static Predicate<Message> textContains(
      Function<Message, String> text, List<String> values, boolean caseSensitive) {
    List<String> needles = List.copyOf(values);
    return message -> {
      String haystack = text.apply(message);
      return haystack != null
          && needles.stream()
              .anyMatch(
                  needle ->
                      caseSensitive
                          ? haystack.contains(needle)
                          : Text.containsIgnoreCase(haystack, needle));
    };
  }

  private static List<Pattern> patterns(String field, List<String> values, boolean caseSensitive)
      throws InvalidRuleException {
    int flags = caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    List<Pattern> patterns = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      try {
        patterns.add(Pattern.compile(values.get(i), flags));
      } catch (PatternSyntaxException e) {
        throw new InvalidRuleException(
            field + ".values[" + i + "]",
            "invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
      }
    }
    return patterns;
  }

  /** Any pattern found is a match; otherwise a pattern stopped by its budget makes it undecided. */
  private static CompiledCondition.Test textMatches(
      Function<Message, String> text, List<Pattern> patterns) {
    return message -> {
      String haystack = text.apply(message);
      if (haystack == null) {
        return Match.NO;
      }
      Match result = Match.NO;
      for (Pattern pattern : patterns) {
        Match match = BoundedRegex.find(pattern, haystack);
        if (match == Match.YES) {
          return Match.YES;
        }
        if (match == Match.TOO_COSTLY) {
          result = Match.TOO_COSTLY;
        }
      }
      return result;
    };
  }

  private static Predicate<Message> addressIs(
      Function<Message, EmailAddress> who, List<String> values) {
    List<String> addresses = values.stream().map(String::trim).toList();
    return message -> {
      EmailAddress address = who.apply(message);
      return address != null
          && address.address() != null
          && addresses.stream().anyMatch(a -> a.equalsIgnoreCase(address.address().trim()));
    };
  }

  private static Predicate<Message> domainIs(
      Function<Message, EmailAddress> who, List<String> values) {
    List<String> domains =
        values.stream()
            .map(v -> v.trim().toLowerCase(Locale.ROOT))
            .map(v -> v.startsWith("@") ? v.substring(1) : v)
            .toList();
    return message -> {
      EmailAddress address = who.apply(message);
      return address != null && domains.contains(address.domain());
    };
  }

  private static Predicate<Message> recipientContains(
      Function<Message, List<EmailAddress>> recipients, List<String> values) {
    List<String> needles = List.copyOf(values);
    return message ->
        recipients.apply(message).stream()
            .anyMatch(
                recipient ->
                    needles.stream()
                        .anyMatch(
                            needle ->
                                Text.containsIgnoreCase(recipient.address(), needle)
                                    || Text.containsIgnoreCase(recipient.name(), needle)));
  }
}
