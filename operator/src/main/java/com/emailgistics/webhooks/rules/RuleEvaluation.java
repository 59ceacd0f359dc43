package com.emailgistics.webhooks.rules;

/**
 * Whether a rule matched a message and, when it did not, why. {@code tooCostly} is set when a
 * regular expression of the rule was stopped by its budget (and counted as not matching).
 */
public record RuleEvaluation(String rule, boolean matched, String reason, boolean tooCostly) {

  static RuleEvaluation matched(String rule, String reason, boolean tooCostly) {
    return new RuleEvaluation(rule, true, reason, tooCostly);
  }

  static RuleEvaluation notMatched(String rule, String reason, boolean tooCostly) {
    return new RuleEvaluation(rule, false, reason, tooCostly);
  }

  static RuleEvaluation notMatched(String rule, String reason) {
    return notMatched(rule, reason, false);
  }
}
