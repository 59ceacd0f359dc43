package com.emailgistics.webhooks.reconciler.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.MailboxRuleStatus;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.reconciler.Leadership;
import com.emailgistics.webhooks.reconciler.ReconcileErrors;
import com.emailgistics.webhooks.testing.ReconcileContext;
import com.emailgistics.webhooks.testing.RecordedStatus;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every Ready reason of a MailboxRule, from {@code reconcile()} called directly. */
class MailboxRuleReconcileTest {
  private static final NamespacedReference CLAIMS = new NamespacedReference("team", "claims");
  private static final OperatorConfig ENABLED = OperatorConfig.defaults().withWebhooksEnabled(true);

  private final RecordedStatus status = new RecordedStatus();

  @Test
  void ruleWhoseMailboxAndWebhooksAreThereIsReady() {
    StatusCondition ready =
        reconcile(ENABLED, rule("admin", "crm"), Resources.mailbox("team", "claims"), crm(CLAIMS));

    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("Ready");
  }

  @Test
  void ruleWithoutItsMailboxIsMailboxNotFound() {
    StatusCondition ready = reconcile(ENABLED, rule("admin", "crm"), crm(CLAIMS));

    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("MailboxNotFound");
    assertThat(ready.getMessage())
        .isEqualTo("spec.mailbox: Mailbox \"claims\" does not exist in namespace team");
  }

  @Test
  void ruleWithAPatternThatDoesNotCompileIsInvalidCondition() {
    MailboxRule rule = rule("admin", "crm");
    rule.getSpec()
        .setConditions(
            new ArrayList<>(
                List.of(new RuleCondition(RuleConditionType.BodyMatches, "(unclosed"))));

    StatusCondition ready =
        reconcile(ENABLED, rule, Resources.mailbox("team", "claims"), crm(CLAIMS));

    assertThat(ready.getReason()).isEqualTo("InvalidCondition");
    assertThat(ready.getMessage())
        .isEqualTo(
            "spec.conditions[0].values[0]: invalid regular expression: Unclosed group near index 9");
  }

  @Test
  void webhookThatIsMissingOrDoesNotPermitTheMailboxIsNotAvailableAlike() {
    StatusCondition missing =
        reconcile(ENABLED, rule("admin", "crm"), Resources.mailbox("team", "claims"));
    StatusCondition notPermitting =
        reconcile(
            ENABLED,
            rule("admin", "crm"),
            Resources.mailbox("team", "claims"),
            crm(new NamespacedReference("team", "other")));

    assertThat(missing.getReason()).isEqualTo("WebhookNotAvailable");
    assertThat(missing.getMessage()).contains("admin/crm");
    assertThat(notPermitting.getReason()).isEqualTo(missing.getReason());
    assertThat(notPermitting.getMessage())
        .as("a rule cannot tell a Webhook it may not use from one that does not exist")
        .isEqualTo(missing.getMessage());
  }

  @Test
  void webhookInANamespaceTheOperatorDoesNotWatchSaysSo() {
    OperatorConfig onlyAdmin =
        OperatorConfig.fromEnvironment(
            Map.of(
                "EMAILGISTICS_WEBHOOK_NAMESPACES",
                "admin",
                "EMAILGISTICS_WEBHOOKS_ENABLED",
                "true"));

    StatusCondition ready =
        reconcile(onlyAdmin, rule("elsewhere", "crm"), Resources.mailbox("team", "claims"));

    assertThat(ready.getReason()).isEqualTo("WebhookNotAvailable");
    assertThat(ready.getMessage())
        .endsWith("(the operator does not watch namespace elsewhere for Webhooks)");
  }

  @Test
  void ruleUsingWebhooksWhileTheFeatureIsOffIsWebhooksFeatureDisabled() {
    StatusCondition ready =
        reconcile(
            OperatorConfig.defaults().withWebhooksEnabled(false),
            rule("admin", "crm"),
            Resources.mailbox("team", "claims"),
            crm(CLAIMS));

    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("WebhooksFeatureDisabled");
  }

  /**
   * An unexpected failure shows in status as ReconcileFailed, the rest of the status as it was,
   * until a reconciliation succeeds.
   */
  @Test
  void unexpectedFailureShowsAsReconcileFailedUntilAReconciliationSucceeds() {
    MailboxRuleReconciler reconciler = reconciler(ENABLED);
    MailboxRule rule = rule("admin", "crm");
    ReconcileContext<MailboxRule> context =
        ReconcileContext.of(rule, Resources.mailbox("team", "claims"), crm(CLAIMS));
    reconciler.reconcile(rule, context);
    rule.setStatus(status.last(MailboxRuleStatus.class));

    reconciler.updateErrorStatus(rule, context, new IllegalStateException("unexpected"));

    assertThat(status.condition("ReconcileFailed"))
        .extracting(
            StatusCondition::getStatus, StatusCondition::getReason, StatusCondition::getMessage)
        .containsExactly(
            "True",
            "ReconcileError",
            "The last reconciliation failed (IllegalStateException); the operator retries with"
                + " backoff.");
    assertThat(status.condition("Ready").getStatus()).isEqualTo("True");

    rule.setStatus(status.last(MailboxRuleStatus.class));
    reconciler.reconcile(rule, context);
    assertThat(status.last(MailboxRuleStatus.class).getConditions())
        .extracting(StatusCondition::getType)
        .containsExactly("Ready");
  }

  private StatusCondition reconcile(
      OperatorConfig config, MailboxRule rule, HasMetadata... secondary) {
    reconciler(config).reconcile(rule, ReconcileContext.of(rule, secondary));
    return status.condition("Ready");
  }

  private MailboxRuleReconciler reconciler(OperatorConfig config) {
    return new MailboxRuleReconciler(
        config,
        Leadership.always(),
        new ReconcileErrors(
            new SimpleMeterRegistry(), MailboxRuleReconciler.NAME, Clock.systemUTC()),
        status,
        Clock.systemUTC());
  }

  private static MailboxRule rule(String webhookNamespace, String webhook) {
    return Resources.rule(
        "team", "enrich", "claims", RuleAction.useWebhook(webhookNamespace, webhook));
  }

  private static Webhook crm(NamespacedReference permitted) {
    return Resources.webhook("admin", "crm", "https://crm.example/hook", null, permitted);
  }
}
