package com.emailgistics.webhooks.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import java.lang.ref.WeakReference;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Rules made from one template hold one shared instance of each condition, and a shared condition
 * goes once no compiled rule holds it.
 */
class ConditionSharingTest {
  private static final String FIELD = "spec.conditions[0]";

  @Test
  void alikeConditionsOfDifferentRulesAreOneInstance() throws Exception {
    CompiledCondition first = RuleCompiler.compile(FIELD, condition("invoice", "Rechnung"));
    // Equal strings from another object, as two MailboxRules parsed from JSON have them.
    CompiledCondition second =
        RuleCompiler.compile(FIELD, condition(new String("invoice"), new String("Rechnung")));

    assertThat(second).isSameAs(first);
    assertThat(RuleCompiler.compile("spec.conditions[1]", condition("invoice", "Rechnung")))
        .isNotSameAs(first);
    assertThat(RuleCompiler.compile("spec.exceptions[0]", condition("invoice", "Rechnung")))
        .isNotSameAs(first);
    assertThat(RuleCompiler.compile(FIELD, condition("invoice"))).isNotSameAs(first);
    RuleCondition caseSensitive = condition("invoice", "Rechnung");
    caseSensitive.setCaseSensitive(true);
    assertThat(RuleCompiler.compile(FIELD, caseSensitive)).isNotSameAs(first);
  }

  @Test
  void aSharedConditionIsForgottenWithTheLastRuleHoldingIt() throws Exception {
    CompiledCondition held =
        RuleCompiler.compile(FIELD, condition("only-here-" + UUID.randomUUID()));
    WeakReference<CompiledCondition> condition = new WeakReference<>(held);
    WeakReference<CompiledCondition.Definition> entryKey = new WeakReference<>(held.definition());
    held = null;

    for (int i = 0; i < 50 && (condition.get() != null || entryKey.get() != null); i++) {
      System.gc();
      Thread.sleep(20);
    }

    assertThat(condition.get()).as("the compiled condition").isNull();
    assertThat(entryKey.get()).as("the shared table's key for it").isNull();
  }

  private static RuleCondition condition(String... values) {
    return new RuleCondition(RuleConditionType.SubjectContains, values);
  }
}
