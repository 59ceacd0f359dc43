package com.emailgistics.webhooks.rules;

import com.emailgistics.webhooks.api.MailboxRuleSpec;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.message.Message;
import com.emailgistics.webhooks.rules.BoundedRegex.Match;
import com.emailgistics.webhooks.rules.CompiledCondition.Definition;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a MailboxRule's conditions and turns them into tests of messages. Conditions alike
 * (same place in a rule, type, values and case sensitivity) compile to one shared instance, as
 * rules made from one template have them across thousands of mailboxes: dispatch then reads the
 * same few conditions whichever mailbox a message is for, and each is held once.
 */
public final class RuleCompiler {
  /** Compiled conditions by definition, each entry kept only while a compiled rule holds it. */
  private static final Map<Definition, WeakReference<CompiledCondition>> SHARED =
      new WeakHashMap<>();

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
    RuleConditionType type = condition.getType();
    if (type == null) {
      throw new InvalidRuleException(field + ".type", "condition type is missing");
    }
    List<String> values = List.of();
    if (type != RuleConditionType.HasAttachments) {
      checkValues(field, condition.getValues());
      values = List.copyOf(condition.getValues());
    }
    Definition definition = new Definition(field, type, values, condition.isCaseSensitive());
    CompiledCondition shared = shared(definition);
    if (shared != null) {
      return shared;
    }
    String label = field.substring(field.lastIndexOf('.') + 1) + " (" + type + ")";
    return share(new CompiledCondition(definition, label, test(definition)));
  }

  private static CompiledCondition shared(Definition definition) {
    synchronized (SHARED) {
      WeakReference<CompiledCondition> shared = SHARED.get(definition);
      return shared == null ? null : shared.get();
    }
  }

  /** {@code compiled}, or the alike condition another thread shared meanwhile. */
  private static CompiledCondition share(CompiledCondition compiled) {
    synchronized (SHARED) {
      CompiledCondition earlier = shared(compiled.definition());
      if (earlier != null) {
        return earlier;
      }
      SHARED.put(compiled.definition(), new WeakReference<>(compiled));
      return compiled;
    }
  }

  private static CompiledCondition.Test test(Definition definition) throws InvalidRuleException {
    List<String> values = definition.values();
    boolean caseSensitive = definition.caseSensitive();
    return switch (definition.type()) {
      case SubjectMatches ->
          textMatches(
              in -> in.message().subject(), patterns(definition.field(), values, caseSensitive));
      case BodyMatches ->
          textMatches(
              in -> in.message().bodyText(), patterns(definition.field(), values, caseSensitive));
      case SubjectContains ->
          caseSensitive
              ? textContains(in -> in.message().subject(), values)
              : textContains(EvaluatedMessage::foldedSubject, folded(values));
      case BodyContains ->
          caseSensitive
              ? textContains(in -> in.message().bodyText(), values)
              : textContains(EvaluatedMessage::foldedBody, folded(values));
      case SenderAddressIs -> addressIs(Message::sender, values);
      case FromAddressIs -> addressIs(Message::from, values);
      case SenderDomainIs -> domainIs(Message::sender, values);
      case FromDomainIs -> domainIs(Message::from, values);
      case ToContains -> recipientContains(List.of(Message::to), values);
      case CcContains -> recipientContains(List.of(Message::cc), values);
      case RecipientContains -> recipientContains(List.of(Message::to, Message::cc), values);
      case HasAttachments -> CompiledCondition.Test.of(in -> in.message().hasAttachments());
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

  /** {@code text} contains one of {@code needles} (both folded for case-insensitive ones). */
  private static CompiledCondition.Test textContains(
      Function<EvaluatedMessage, String> text, List<String> needles) {
    String[] any = needles.toArray(String[]::new);
    return CompiledCondition.Test.of(
        message -> {
          String haystack = text.apply(message);
          if (haystack == null) {
            return false;
          }
          for (String needle : any) {
            if (haystack.contains(needle)) {
              return true;
            }
          }
          return false;
        });
  }

  private static List<String> folded(List<String> values) {
    return values.stream().map(Text::fold).toList();
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
      Function<EvaluatedMessage, String> text, List<Pattern> patterns) {
    Pattern[] any = patterns.toArray(Pattern[]::new);
    return message -> {
      String haystack = text.apply(message);
      if (haystack == null) {
        return Match.NO;
      }
      Match result = Match.NO;
      for (Pattern pattern : any) {
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

  private static CompiledCondition.Test addressIs(
      Function<Message, EmailAddress> who, List<String> values) {
    List<String> addresses = values.stream().map(String::trim).toList();
    return CompiledCondition.Test.of(
        in -> {
          EmailAddress address = who.apply(in.message());
          if (address == null || address.address() == null) {
            return false;
          }
          String trimmed = address.address().trim();
          for (String candidate : addresses) {
            if (candidate.equalsIgnoreCase(trimmed)) {
              return true;
            }
          }
          return false;
        });
  }

  private static CompiledCondition.Test domainIs(
      Function<Message, EmailAddress> who, List<String> values) {
    List<String> domains =
        values.stream()
            .map(v -> v.trim().toLowerCase(Locale.ROOT))
            .map(v -> v.startsWith("@") ? v.substring(1) : v)
            .toList();
    return CompiledCondition.Test.of(
        in -> {
          EmailAddress address = who.apply(in.message());
          return address != null && domains.contains(address.domain());
        });
  }

  /** A recipient of one of the {@code lists} whose address or name contains a value. */
  private static CompiledCondition.Test recipientContains(
      List<Function<Message, List<EmailAddress>>> lists, List<String> values) {
    List<String> needles = folded(values);
    return CompiledCondition.Test.of(
        in -> {
          for (Function<Message, List<EmailAddress>> list : lists) {
            for (EmailAddress recipient : list.apply(in.message())) {
              // Folded once per recipient; values are never empty, so "" matches none.
              String address = Text.fold(Objects.requireNonNullElse(recipient.address(), ""));
              String name = Text.fold(Objects.requireNonNullElse(recipient.name(), ""));
              for (String needle : needles) {
                if (address.contains(needle) || name.contains(needle)) {
                  return true;
                }
              }
            }
          }
          return false;
        });
  }
}
