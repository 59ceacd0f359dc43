package com.emailgistics.webhooks.rules;

import com.emailgistics.webhooks.message.Message;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A mailbox's rules in evaluation order (priority, then name). Evaluation stops after a matching
 * rule that asks to stop processing; the rules after it are reported as not evaluated.
 */
public final class RuleSet {
  private static final Comparator<CompiledRule> ORDER =
      Comparator.comparingInt(CompiledRule::priority).thenComparing(CompiledRule::name);

  private final List<CompiledRule> rules;

  public RuleSet(List<CompiledRule> rules) {
    this.rules = rules.stream().sorted(ORDER).toList();
  }

  public List<CompiledRule> rules() {
    return rules;
  }

  /** One evaluation for each of {@link #rules()}, in that order. */
  public List<RuleEvaluation> evaluate(Message message) {
    EvaluatedMessage evaluated = new EvaluatedMessage(message);
    List<RuleEvaluation> evaluations = new ArrayList<>(rules.size());
    String stoppedBy = null;
    for (CompiledRule rule : rules) {
      if (stoppedBy != null) {
        evaluations.add(
            RuleEvaluation.notMatched(
                rule, "not evaluated: rule " + stoppedBy + " stopped processing"));
        continue;
      }
      RuleEvaluation evaluation = rule.evaluate(evaluated);
      evaluations.add(evaluation);
      if (evaluation.matched() && rule.stopProcessing()) {
        stoppedBy = rule.name();
      }
    }
    return evaluations;
  }
}
