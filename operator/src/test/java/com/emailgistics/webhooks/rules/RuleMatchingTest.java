package com.emailgistics.webhooks.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.emailgistics.webhooks.api.MailboxRuleSpec;
import com.emailgistics.webhooks.api.MatchMode;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleMatchingTest {
  private static final Message MESSAGE =
      new Message(
          "m1",
          "received",
          "<m1@x>",
          "2025-03-14T15:09:26Z",
          "claims@insurer.example",
          EmailAddress.of("Pat Doe", "Pat@Customer.Example"),
          EmailAddress.of("Assistant", "assistant@broker.example"),
          List.of(EmailAddress.of("Claims Team", "claims@insurer.example")),
          List.of(EmailAddress.of("Ädä Müller", "ada@partner.example")),
          "Question about my CLAIM CLM-556677",
          true,
          "2025-03-14T15:09:27Z",
          "2L8WYB89Z",
          "Hello, I would like an update. Straße 5.",
          Map.of());

  private static RuleCondition condition(RuleConditionType type, String... values) {
    return new RuleCondition(type, values);
  }

  private static MailboxRuleSpec spec(
      MatchMode match, List<RuleCondition> conditions, List<RuleCondition> exceptions) {
    MailboxRuleSpec spec = new MailboxRuleSpec();
    spec.setMailbox("claims");
    spec.setMatch(match);
    spec.setConditions(new ArrayList<>(conditions));
    spec.setExceptions(new ArrayList<>(exceptions));
    spec.setActions(new ArrayList<>(List.of(RuleAction.useWebhook("admin", "crm"))));
    return spec;
  }

  private static boolean matches(RuleCondition condition) throws InvalidRuleException {
    return RuleCompiler.compile("r", spec(MatchMode.All, List.of(condition), List.of()))
        .evaluate(MESSAGE)
        .matched();
  }

  @Nested
  class Conditions {
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
      "SubjectContains, claim, true",
      "SubjectContains, invoice, false",
      "SubjectMatches, CLM-\\d{6}, true",
      "SubjectMatches, ^claim, false",
      "BodyContains, UPDATE, true",
      "BodyContains, STRASSE, false",
      "BodyMatches, update\\.$, false",
      "SenderAddressIs, pat@customer.example, true",
      "SenderAddressIs, pat@other.example, false",
      "SenderDomainIs, CUSTOMER.example, true",
      "SenderDomainIs, @customer.example, true",
      "SenderDomainIs, example, false",
      "FromAddressIs, assistant@broker.example, true",
      "FromDomainIs, customer.example, false",
      "FromDomainIs, broker.example, true",
      "ToContains, claims team, true",
      "ToContains, partner, false",
      "CcContains, partner.example, true",
      "CcContains, ÄDÄ, true",
      "RecipientContains, partner, true",
      "RecipientContains, insurer, true",
      "RecipientContains, nobody, false",
    })
    void evaluate(RuleConditionType type, String value, boolean expected) throws Exception {
      assertThat(matches(condition(type, value))).isEqualTo(expected);
    }

    @Test
    void anyListedValueIsEnough() throws Exception {
      assertThat(matches(condition(RuleConditionType.SubjectContains, "invoice", "question")))
          .isTrue();
    }

    @Test
    void caseSensitiveContainsRespectsCase() throws Exception {
      RuleCondition sensitive = condition(RuleConditionType.SubjectContains, "claim");
      sensitive.setCaseSensitive(true);
      assertThat(matches(sensitive)).isFalse();
      sensitive.setValues(new ArrayList<>(List.of("CLAIM")));
      assertThat(matches(sensitive)).isTrue();
    }

    @Test
    void caseSensitiveRegexRespectsCase() throws Exception {
      RuleCondition sensitive = condition(RuleConditionType.SubjectMatches, "claim clm");
      assertThat(matches(sensitive)).isTrue();
      sensitive.setCaseSensitive(true);
      assertThat(matches(sensitive)).isFalse();
    }

    @Test
    void hasAttachmentsLooksAtTheFlag() throws Exception {
      assertThat(matches(new RuleCondition(RuleConditionType.HasAttachments))).isTrue();
      Message without =
          new Message(
              "m2",
              "received",
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              "s",
              false,
              null,
              null,
              null,
              null);
      assertThat(
              RuleCompiler.compile(
                      "r",
                      spec(
                          MatchMode.All,
                          List.of(new RuleCondition(RuleConditionType.HasAttachments)),
                          List.of()))
                  .evaluate(without)
                  .matched())
          .isFalse();
    }

    @Test
    void bodyConditionsDoNotMatchAMessageWithoutBody() throws Exception {
      Message noBody =
          new Message(
              "m3",
              "received",
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              "s",
              false,
              null,
              null,
              null,
              null);
      CompiledRule rule =
          RuleCompiler.compile(
              "r",
              spec(
                  MatchMode.All,
                  List.of(condition(RuleConditionType.BodyContains, "x")),
                  List.of()));
      assertThat(rule.evaluate(noBody).matched()).isFalse();
    }
  }

  @Nested
  class Combination {
    private final RuleCondition subject = condition(RuleConditionType.SubjectContains, "claim");
    private final RuleCondition wrongSender =
        condition(RuleConditionType.SenderDomainIs, "elsewhere.example");

    @Test
    void matchAllNeedsEveryCondition() throws Exception {
      RuleEvaluation evaluation =
          RuleCompiler.compile("r", spec(MatchMode.All, List.of(subject, wrongSender), List.of()))
              .evaluate(MESSAGE);
      assertThat(evaluation.matched()).isFalse();
      assertThat(evaluation.reason())
          .isEqualTo("condition conditions[1] (SenderDomainIs) did not match (match All)");
    }

    @Test
    void matchAnyNeedsOneCondition() throws Exception {
      assertThat(
              RuleCompiler.compile(
                      "r", spec(MatchMode.Any, List.of(wrongSender, subject), List.of()))
                  .evaluate(MESSAGE)
                  .matched())
          .isTrue();
      RuleEvaluation none =
          RuleCompiler.compile("r", spec(MatchMode.Any, List.of(wrongSender), List.of()))
              .evaluate(MESSAGE);
      assertThat(none.matched()).isFalse();
      assertThat(none.reason()).isEqualTo("no condition matched (match Any)");
    }

    @Test
    void ruleWithoutConditionsMatchesEveryMessage() throws Exception {
      RuleEvaluation evaluation =
          RuleCompiler.compile("r", spec(MatchMode.All, List.of(), List.of())).evaluate(MESSAGE);
      assertThat(evaluation.matched()).isTrue();
      assertThat(evaluation.reason()).isEqualTo("rule has no conditions");
    }

    @Test
    void anyMatchingExceptionStopsTheRule() throws Exception {
      RuleEvaluation evaluation =
          RuleCompiler.compile(
                  "r",
                  spec(
                      MatchMode.All,
                      List.of(subject),
                      List.of(wrongSender, new RuleCondition(RuleConditionType.HasAttachments))))
              .evaluate(MESSAGE);
      assertThat(evaluation.matched()).isFalse();
      assertThat(evaluation.reason()).isEqualTo("exception exceptions[1] (HasAttachments) matched");
    }

    @Test
    void exceptionsApplyToRulesWithoutConditionsToo() throws Exception {
      assertThat(
              RuleCompiler.compile("r", spec(MatchMode.All, List.of(), List.of(subject)))
                  .evaluate(MESSAGE)
                  .matched())
          .isFalse();
    }

    @Test
    void disabledRuleNeverMatches() throws Exception {
      MailboxRuleSpec disabled = spec(MatchMode.All, List.of(), List.of());
      disabled.setEnabled(false);
      RuleEvaluation evaluation = RuleCompiler.compile("r", disabled).evaluate(MESSAGE);
      assertThat(evaluation.matched()).isFalse();
      assertThat(evaluation.reason()).isEqualTo("rule is disabled");
    }
  }

  @Nested
  class RegularExpressionBudget {
    private final Message huge =
        new Message(
            "m2",
            "received",
            null,
            null,
            "claims@insurer.example",
            EmailAddress.of("Pat", "pat@customer.example"),
            EmailAddress.of("Pat", "pat@customer.example"),
            List.of(),
            List.of(),
            "Question about my claim",
            false,
            "2025-03-14T15:09:27Z",
            null,
            "a".repeat(100_000),
            Map.of());
    private final RuleCondition catastrophic =
        condition(RuleConditionType.BodyMatches, "^(.|\\s)*END$");
    private final RuleCondition subject = condition(RuleConditionType.SubjectContains, "claim");

    @Test
    void aPatternThatWouldRecurseOrBacktrackForeverIsStoppedAndCountedAsNotMatching()
        throws Exception {
      long start = System.nanoTime();

      RuleEvaluation evaluation =
          RuleCompiler.compile("r", spec(MatchMode.All, List.of(catastrophic), List.of()))
              .evaluate(huge);

      assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(java.time.Duration.ofMillis(500));
      assertThat(evaluation.matched()).isFalse();
      assertThat(evaluation.tooCostly()).isTrue();
      assertThat(evaluation.reason())
          .startsWith(
              "condition conditions[0] (BodyMatches) is counted as not matched (match All)");
    }

    @Test
    void catastrophicBacktrackingRunsOutOfSteps() {
      // Unbounded, this takes about 95 s on a 2-core machine.
      assertThat(BoundedRegex.find(java.util.regex.Pattern.compile("(.*a){10}x"), "a".repeat(40)))
          .isEqualTo(BoundedRegex.Match.TOO_COSTLY);
      assertThat(
              BoundedRegex.find(
                  java.util.regex.Pattern.compile("CLM-\\d+"), "x".repeat(50_000) + " CLM-1"))
          .isEqualTo(BoundedRegex.Match.YES);
    }

    @Test
    void textBeyondTheSearchedPrefixIsNotSearched() {
      String text = "x".repeat(BoundedRegex.MAX_CHARS) + "CLM-1";
      assertThat(BoundedRegex.find(java.util.regex.Pattern.compile("CLM-1"), text))
          .isEqualTo(BoundedRegex.Match.NO);
    }

    @Test
    void aWholeMatchIsNeverJudgedOnAPrefix() {
      String text = "a".repeat(BoundedRegex.MAX_CHARS) + "!";
      assertThat(BoundedRegex.matches(java.util.regex.Pattern.compile("[a-z]*"), text))
          .isEqualTo(BoundedRegex.Match.TOO_COSTLY);
      assertThat(
              BoundedRegex.matches(
                  java.util.regex.Pattern.compile("[a-z]*"), text.substring(1, text.length() - 1)))
          .isEqualTo(BoundedRegex.Match.YES);
    }

    @Test
    void anotherConditionCanStillMatchInAnyMode() throws Exception {
      RuleEvaluation evaluation =
          RuleCompiler.compile("r", spec(MatchMode.Any, List.of(catastrophic, subject), List.of()))
              .evaluate(huge);

      assertThat(evaluation.matched()).isTrue();
    }

    @Test
    void anExceptionThatIsTooCostlyDoesNotStopTheRuleAndTheReasonSaysSo() throws Exception {
      RuleEvaluation evaluation =
          RuleCompiler.compile("r", spec(MatchMode.All, List.of(subject), List.of(catastrophic)))
              .evaluate(huge);

      assertThat(evaluation.matched()).isTrue();
      assertThat(evaluation.tooCostly()).isTrue();
      assertThat(evaluation.reason())
          .isEqualTo(
              "conditions matched; exception exceptions[0] (BodyMatches): the regular"
                  + " expression exceeded its budget on this message and was counted as not matching");
    }
  }

  @Nested
  class Validation {
    @Test
    void invalidRegexNamesTheField() {
      MailboxRuleSpec bad =
          spec(
              MatchMode.All,
              List.of(),
              List.of(condition(RuleConditionType.BodyMatches, "ok", "(unclosed")));
      assertThatThrownBy(() -> RuleCompiler.compile("r", bad))
          .isInstanceOf(InvalidRuleException.class)
          .hasMessageStartingWith(
              "spec.exceptions[0].values[1]: invalid regular expression: Unclosed group")
          .extracting(e -> ((InvalidRuleException) e).field())
          .isEqualTo("spec.exceptions[0].values[1]");
    }

    @Test
    void emptyValueIsRejected() {
      MailboxRuleSpec bad =
          spec(
              MatchMode.All,
              List.of(condition(RuleConditionType.SubjectContains, "claim", " ")),
              List.of());
      assertThatThrownBy(() -> RuleCompiler.compile("r", bad))
          .hasMessage("spec.conditions[0].values[1]: value is empty");
    }

    @Test
    void missingValuesAreRejected() {
      MailboxRuleSpec bad =
          spec(MatchMode.All, List.of(condition(RuleConditionType.ToContains)), List.of());
      assertThatThrownBy(() -> RuleCompiler.compile("r", bad))
          .hasMessage("spec.conditions[0].values: at least one value is required");
    }
  }

  @Nested
  class Ordering {
    private CompiledRule rule(String name, int priority, boolean stop, RuleCondition... conditions)
        throws Exception {
      MailboxRuleSpec spec = spec(MatchMode.All, List.of(conditions), List.of());
      spec.setPriority(priority);
      spec.setStopProcessing(stop);
      return RuleCompiler.compile(name, spec);
    }

    @Test
    void rulesRunByPriorityThenNameAndStopProcessingEndsEvaluation() throws Exception {
      RuleSet rules =
          new RuleSet(
              List.of(
                  rule("z-last", 50, false),
                  rule("b-stopper", 10, true),
                  rule(
                      "a-miss", 10, false, condition(RuleConditionType.SubjectContains, "invoice")),
                  rule("first", 1, false)));

      List<RuleEvaluation> evaluations = rules.evaluate(MESSAGE);

      assertThat(evaluations)
          .extracting(RuleEvaluation::rule)
          .containsExactly("first", "a-miss", "b-stopper", "z-last");
      assertThat(evaluations)
          .extracting(RuleEvaluation::matched)
          .containsExactly(true, false, true, false);
      assertThat(evaluations.get(3).reason())
          .isEqualTo("not evaluated: rule b-stopper stopped processing");
    }

    @Test
    void stopProcessingOnlyCountsWhenTheRuleMatched() throws Exception {
      RuleSet rules =
          new RuleSet(
              List.of(
                  rule("stopper", 1, true, condition(RuleConditionType.SubjectContains, "invoice")),
                  rule("next", 2, false)));

      assertThat(rules.evaluate(MESSAGE))
          .extracting(RuleEvaluation::matched)
          .containsExactly(false, true);
    }
  }
}
