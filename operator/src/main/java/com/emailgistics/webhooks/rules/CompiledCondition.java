package com.emailgistics.webhooks.rules;

import com.emailgistics.webhooks.api.RuleConditionType;
import com.emailgistics.webhooks.rules.BoundedRegex.Match;
import java.util.List;
import java.util.function.Predicate;

/**
 * A validated condition, ready to test messages. Conditions alike are one shared instance (see
 * {@link RuleCompiler}), and the reasons a rule gives when the condition decides it are made here
 * once instead of for every message. {@code label} names it in reasons.
 */
final class CompiledCondition {
  /** What makes two conditions alike: the same place in a rule, type, values and case. */
  record Definition(
      String field, RuleConditionType type, List<String> values, boolean caseSensitive) {}

  /** Tests one message; regular expressions may be {@link Match#TOO_COSTLY}. */
  @FunctionalInterface
  interface Test {
    Match test(EvaluatedMessage message);

    static Test of(Predicate<EvaluatedMessage> predicate) {
      return message -> predicate.test(message) ? Match.YES : Match.NO;
    }
  }

  /** Held so that the shared instance's entry lives exactly as long as the condition. */
  private final Definition definition;

  private final String label;
  private final Test test;
  private final String failedReason;
  private final String matchedAsExceptionReason;

  CompiledCondition(Definition definition, String label, Test test) {
    this.definition = definition;
    this.label = label;
    this.test = test;
    this.failedReason = "condition " + label + " did not match (match All)";
    this.matchedAsExceptionReason = "exception " + label + " matched";
  }

  Definition definition() {
    return definition;
  }

  String label() {
    return label;
  }

  /** Why a rule with match All did not match when this condition failed. */
  String failedReason() {
    return failedReason;
  }

  /** Why a rule did not match when this condition, one of its exceptions, matched. */
  String matchedAsExceptionReason() {
    return matchedAsExceptionReason;
  }

  Match evaluate(EvaluatedMessage message) {
    return test.test(message);
  }
}
