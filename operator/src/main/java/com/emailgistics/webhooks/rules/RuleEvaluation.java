package com.emailgistics.webhooks.rules;

/** Whether a rule matched a message and, when it did not, why. */
public record RuleEvaluation(String rule, boolean matched, String reason) {

  static RuleEvaluation matched(String rule, String reason) {
    return new RuleEvaluation(rule, true, reason);
  }

  static RuleEvaluation notMatched(String rule, String reason) {
    return new RuleEvaluation(rule, false, reason);
  }
}
