package com.emailgistics.webhooks.rules;

import com.emailgistics.webhooks.api.MatchMode;
import com.emailgistics.webhooks.message.Message;
import com.emailgistics.webhooks.rules.BoundedRegex.Match;
import java.util.List;

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

  /**
   * Evaluates conditions (All or Any), then exceptions; a rule without conditions matches. A
   * condition whose regular expression is stopped by its budget counts as not matching, and the
   * reason says so.
   */
  public RuleEvaluation evaluate(Message message) {
    if (!enabled) {
      return RuleEvaluation.notMatched(this, "rule is disabled");
    }
    String tooCostly = null;
    if (!conditions.isEmpty()) {
      CompiledCondition firstFailed = null;
      boolean anyMatched = false;
      for (CompiledCondition condition : conditions) {
        Match result = condition.evaluate(message);
        if (result == Match.YES) {
          anyMatched = true;
          if (match == MatchMode.Any) {
            break;
          }
          continue;
        }
        if (result == Match.TOO_COSTLY && tooCostly == null) {
          tooCostly = condition.label();
        }
        if (firstFailed == null) {
          firstFailed = condition;
          if (match == MatchMode.All) {
            break;
          }
        }
      }
      if (match == MatchMode.Any && !anyMatched) {
        return RuleEvaluation.notMatched(
            this, "no condition matched (match Any)" + budgetNote(tooCostly), tooCostly != null);
      }
      if (match == MatchMode.All && firstFailed != null) {
        String reason =
            tooCostly != null
                ? "condition "
                    + firstFailed.label()
                    + " is counted as not matched (match All)"
                    + budgetNote(tooCostly)
                : "condition " + firstFailed.label() + " did not match (match All)";
        return RuleEvaluation.notMatched(this, reason, tooCostly != null);
      }
    }
    for (CompiledCondition exception : exceptions) {
      Match result = exception.evaluate(message);
      if (result == Match.YES) {
        return RuleEvaluation.notMatched(
            this,
            "exception " + exception.label() + " matched" + budgetNote(tooCostly),
            tooCostly != null);
      }
      if (result == Match.TOO_COSTLY && tooCostly == null) {
        tooCostly = "exception " + exception.label();
      }
    }
    String reason = conditions.isEmpty() ? "rule has no conditions" : "conditions matched";
    return RuleEvaluation.matched(this, reason + budgetNote(tooCostly), tooCostly != null);
  }

  private static String budgetNote(String stopped) {
    return stopped == null
        ? ""
        : "; "
            + stopped
            + ": the regular expression exceeded its budget on this message"
            + " and was counted as not matching";
  }
}
