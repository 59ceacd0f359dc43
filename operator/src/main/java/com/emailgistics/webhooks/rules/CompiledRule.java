package com.emailgistics.webhooks.rules;

import com.emailgistics.webhooks.api.MatchMode;
import com.emailgistics.webhooks.message.Message;
import java.util.List;
import java.util.Optional;

/**
 * A MailboxRule whose conditions and exceptions have been validated and compiled once, so that
 * evaluating a message costs no parsing.
 */
public final class CompiledRule {
  private final String name;
  private final int priority;
  private final boolean enabled;
  private final MatchMode match;
  private final List<CompiledCondition> conditions;
  private final List<CompiledCondition> exceptions;
  private final boolean stopProcessing;

  CompiledRule(
      String name,
      int priority,
      boolean enabled,
      MatchMode match,
      List<CompiledCondition> conditions,
      List<CompiledCondition> exceptions,
      boolean stopProcessing) {
    this.name = name;
    this.priority = priority;
    this.enabled = enabled;
    this.match = match;
    this.conditions = List.copyOf(conditions);
    this.exceptions = List.copyOf(exceptions);
    this.stopProcessing = stopProcessing;
  }

  public String name() {
    return name;
  }

  public int priority() {
    return priority;
  }

  public boolean enabled() {
    return enabled;
  }

  public boolean stopProcessing() {
    return stopProcessing;
  }

  /** Evaluates conditions (All or Any), then exceptions; a rule without conditions matches. */
  public RuleEvaluation evaluate(Message message) {
    if (!enabled) {
      return RuleEvaluation.notMatched(name, "rule is disabled");
    }
    Optional<String> conditionVerdict = conditionsFailure(message);
    if (conditionVerdict.isPresent()) {
      return RuleEvaluation.notMatched(name, conditionVerdict.get());
    }
    for (CompiledCondition exception : exceptions) {
      if (exception.matches(message)) {
        return RuleEvaluation.notMatched(name, "exception " + exception.label() + " matched");
      }
    }
    return RuleEvaluation.matched(name, conditions.isEmpty() ? "rule has no conditions" : "conditions matched");
  }

  private Optional<String> conditionsFailure(Message message) {
    if (conditions.isEmpty()) {
      return Optional.empty();
    }
    if (match == MatchMode.Any) {
      boolean any = conditions.stream().anyMatch(condition -> condition.matches(message));
      return any ? Optional.empty() : Optional.of("no condition matched (match Any)");
    }
    return conditions.stream()
        .filter(condition -> !condition.matches(message))
        .findFirst()
        .map(condition -> "condition " + condition.label() + " did not match (match All)");
  }
}
