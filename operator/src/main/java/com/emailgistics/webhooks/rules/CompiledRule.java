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
  private static final CompiledCondition[] NONE = {};

  private final String name;
  private final int priority;
  private final boolean enabled;
  private final MatchMode match;
  private final CompiledCondition[] conditions;
  private final CompiledCondition[] exceptions;
  private final boolean stopProcessing;

  CompiledRule(
      String name,
      int priority,
      boolean enabled,
      MatchMode match,
      List<CompiledCondition> conditions,
      List<CompiledCondition> exceptions,
      boolean stopProcessing) {
    // A copy allocated with the rule: a mailbox's rules are compiled together, so their names,
    // which every dispatch report writes, sit beside them instead of scattered over the cache.
    this.name = new String(name.toCharArray());
    this.priority = priority;
    this.enabled = enabled;
    this.match = match;
    this.conditions = conditions.toArray(NONE);
    this.exceptions = exceptions.toArray(NONE);
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
    return evaluate(new EvaluatedMessage(message));
  }

  RuleEvaluation evaluate(EvaluatedMessage message) {
    if (!enabled) {
      return RuleEvaluation.notMatched(this, "rule is disabled");
    }
    String tooCostly = null;
    if (conditions.length > 0) {
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
            this, withBudgetNote("no condition matched (match Any)", tooCostly), tooCostly != null);
      }
      if (match == MatchMode.All && firstFailed != null) {
        String reason =
            tooCostly != null
                ? "condition "
                    + firstFailed.label()
                    + " is counted as not matched (match All)"
                    + budgetNote(tooCostly)
                : firstFailed.failedReason();
        return RuleEvaluation.notMatched(this, reason, tooCostly != null);
      }
    }
    for (CompiledCondition exception : exceptions) {
      Match result = exception.evaluate(message);
      if (result == Match.YES) {
        return RuleEvaluation.notMatched(
            this,
            withBudgetNote(exception.matchedAsExceptionReason(), tooCostly),
            tooCostly != null);
      }
      if (result == Match.TOO_COSTLY && tooCostly == null) {
        tooCostly = "exception " + exception.label();
      }
    }
    String reason = conditions.length == 0 ? "rule has no conditions" : "conditions matched";
    return RuleEvaluation.matched(this, withBudgetNote(reason, tooCostly), tooCostly != null);
  }

  /** {@code reason}, noting the regular expression (if any) that its budget {@code stopped}. */
  private static String withBudgetNote(String reason, String stopped) {
    return stopped == null ? reason : reason + budgetNote(stopped);
  }

  private static String budgetNote(String stopped) {
    return "; "
        + stopped
        + ": the regular expression exceeded its budget on this message"
        + " and was counted as not matching";
  }
}
