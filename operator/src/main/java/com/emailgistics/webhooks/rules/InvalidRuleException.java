package com.emailgistics.webhooks.rules;

/**
 * A rule that cannot be evaluated, naming the offending field, e.g. spec.conditions[1].values[0].
 */
public class InvalidRuleException extends Exception {
  private final String field;

  public InvalidRuleException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
