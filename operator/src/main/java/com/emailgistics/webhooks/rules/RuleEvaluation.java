package com.emailgistics.webhooks.rules;

/**
 * Whether a rule matched a message and, when it did not, why. {@code tooCostly} is set when a
 * regular expression of the rule was stopped by its budget (and counted as not matching).
 */
public record RuleEvaluation(
    String rule, int priority, boolean matched, String reason, boolean tooCostly) {

  static RuleEvaluation matched(CompiledRule rule, String reason, boolean tooCostly) {
    return new RuleEvaluation(rule.name(), rule.priority(), true, reason, tooCostly);
  }

  static RuleEvaluation notMatched(CompiledRule rule, String reason, boolean tooCostly) {
    return new RuleEvaluation(rule.name(), rule.priority(), false, reason, tooCostly);
  }

  static RuleEvaluation notMatched(CompiledRule rule, String reason) {
    return notMatched(rule, reason, false);
  }
}
