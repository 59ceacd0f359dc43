package com.emailgistics.webhooks.reconciler.rule;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.MailboxRuleStatus;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookAvailability;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.kube.Informers;
import com.emailgistics.webhooks.kube.References;
import com.emailgistics.webhooks.reconciler.ConditionSet;
import com.emailgistics.webhooks.reconciler.Leadership;
import com.emailgistics.webhooks.reconciler.ReconcileErrors;
import com.emailgistics.webhooks.reconciler.Retrigger;
import com.emailgistics.webhooks.reconciler.StatusWriter;
import com.emailgistics.webhooks.rules.InvalidRuleException;
import com.emailgistics.webhooks.rules.RuleCompiler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks that a MailboxRule can run: its Mailbox exists, its conditions are valid, and every
 * webhook it uses exists, lists the rule's mailbox and may be delivered to (feature switched on).
 */
@ControllerConfiguration(
    name = MailboxRuleReconciler.NAME,
    // No per-reconciliation timer (WebhookOperator.RESYNC says why).
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 0))
public class MailboxRuleReconciler implements Reconciler<MailboxRule> {
  public static final String NAME = "mailboxrule";

  /** Rules by "namespace/mailbox": the dispatch endpoint evaluates a mailbox's rules this way. */
  public static final String MAILBOX_INDEX = "rules-by-mailbox";

  static final String WEBHOOK_INDEX = "rules-by-webhook";

  private final OperatorConfig config;
  private final Leadership leadership;
  private final Clock clock;
  private final ReconcileErrors errors;
  private final StatusWriter statuses;
  private final Retrigger<MailboxRule> retrigger = new Retrigger<>();
  private volatile IndexerResourceCache<MailboxRule> rules;

  public MailboxRuleReconciler(
      OperatorConfig config,
      Leadership leadership,
      ReconcileErrors errors,
      StatusWriter statuses,
      Clock clock) {
    this.config = config;
    this.statuses = statuses;
    this.errors = errors;
    this.leadership = leadership;
    this.clock = clock;
  }

  /** Reconciles every MailboxRule again (on becoming the leader). */
  public void reconcileAll() {
    retrigger.all();
  }

  @Override
  public List<EventSource<?, MailboxRule>> prepareEventSources(
      EventSourceContext<MailboxRule> context) {
    var rules = context.getPrimaryCache();
    this.rules = rules;
    rules.addIndexer(
        MAILBOX_INDEX,
        rule ->
            List.of(
                References.key(rule.getMetadata().getNamespace(), rule.getSpec().getMailbox())));
    rules.addIndexer(
        WEBHOOK_INDEX,
        rule -> rule.getSpec().webhookReferences().stream().map(NamespacedReference::key).toList());
    var mailboxes =
        Informers.source(Mailbox.class, MailboxRule.class)
            .withNamespacesInheritedFromController()
            // A rule is judged on its Mailbox's existence only, which no update changes; passing
            // updates would re-judge all of a mailbox's rules whenever its status is written.
            .withOnUpdateFilter((updated, old) -> false)
            .withSecondaryToPrimaryMapper(
                mailbox -> References.byIndex(rules, MAILBOX_INDEX, References.key(mailbox)))
            // Also map the other way: a rule created after its Mailbox must still find it.
            .withPrimaryToSecondaryMapper(
                (MailboxRule rule) ->
                    Set.of(
                        new ResourceID(
                            rule.getSpec().getMailbox(), rule.getMetadata().getNamespace())))
            .build();
    var webhooks =
        Informers.source(Webhook.class, MailboxRule.class)
            .withOnUpdateFilter(References.specChanged())
            .withSecondaryToPrimaryMapper(
                webhook -> References.byIndex(rules, WEBHOOK_INDEX, References.key(webhook)))
            .withPrimaryToSecondaryMapper(
                (MailboxRule rule) ->
                    rule.getSpec().webhookReferences().stream()
                        .map(ref -> new ResourceID(ref.getName(), ref.getNamespace()))
                        .collect(Collectors.toSet()));
    return List.of(
        new InformerEventSource<>(mailboxes, context),
        new InformerEventSource<>(
            References.inNamespaces(webhooks, config.webhookNamespaces()).build(), context),
        retrigger.eventSource(context));
  }

  /** The MailboxRule informer's cache, indexed by {@link #MAILBOX_INDEX}. */
  public IndexerResourceCache<MailboxRule> ruleCache() {
    return rules;
  }

  @Override
  public ErrorStatusUpdateControl<MailboxRule> updateErrorStatus(
      MailboxRule resource, Context<MailboxRule> context, Exception failure) {
    return leadership.leading()
        ? errors.reported(resource, context, failure, statuses, MailboxRuleStatus::new)
        : errors.counted();
  }

  /** Judge the rule against its Mailbox and Webhooks (Ready), record the status. */
  @Override
  public UpdateControl<MailboxRule> reconcile(MailboxRule rule, Context<MailboxRule> context) {
    if (!leadership.leading()) {
      return UpdateControl.noUpdate();
    }
    ConditionSet conditions =
        new ConditionSet(
            Optional.ofNullable(rule.getStatus())
                .map(MailboxRuleStatus::getConditions)
                .orElse(List.of()),
            rule.getMetadata().getGeneration(),
            clock);
    Verdict verdict = judge(rule, context);
    conditions.set(ConditionSet.READY, verdict.ready(), verdict.reason(), verdict.message());
    MailboxRuleStatus status = new MailboxRuleStatus();
    status.setObservedGeneration(rule.getMetadata().getGeneration());
    status.setConditions(conditions.toList());
    // status.problems belongs to the dispatch side (StatusSummaryWriter).
    return statuses.write(rule, status, context);
  }

  private record Verdict(boolean ready, String reason, String message) {
    static Verdict notReady(String reason, String message) {
      return new Verdict(false, reason, message);
    }
  }

  private Verdict judge(MailboxRule rule, Context<MailboxRule> context) {
    String namespace = rule.getMetadata().getNamespace();
    String mailboxName = rule.getSpec().getMailbox();
    boolean mailboxExists =
        context.getSecondaryResources(Mailbox.class).stream()
            .anyMatch(
                mailbox ->
                    mailbox.getMetadata().getName().equals(mailboxName)
                        && mailbox.getMetadata().getNamespace().equals(namespace));
    if (!mailboxExists) {
      return Verdict.notReady(
          "MailboxNotFound",
          "spec.mailbox: Mailbox \"" + mailboxName + "\" does not exist in namespace " + namespace);
    }
    try {
      RuleCompiler.compile(rule.getMetadata().getName(), rule.getSpec());
    } catch (InvalidRuleException e) {
      return Verdict.notReady("InvalidCondition", e.getMessage());
    }
    Map<NamespacedReference, Webhook> webhooks =
        context.getSecondaryResources(Webhook.class).stream()
            .collect(
                Collectors.toMap(
                    webhook ->
                        new NamespacedReference(
                            webhook.getMetadata().getNamespace(), webhook.getMetadata().getName()),
                    Function.identity(),
                    (a, b) -> a));
    List<NamespacedReference> used = rule.getSpec().webhookReferences();
    for (NamespacedReference ref : used) {
      Webhook webhook = webhooks.get(ref);
      if (webhook == null || !webhook.getSpec().permitsMailbox(namespace, mailboxName)) {
        String unwatched =
            config.watchesWebhookNamespace(ref.getNamespace())
                ? ""
                : " (the operator does not watch namespace "
                    + ref.getNamespace()
                    + " for Webhooks)";
        return Verdict.notReady(
            WebhookAvailability.NOT_AVAILABLE,
            WebhookAvailability.notAvailable(ref, namespace, mailboxName) + unwatched);
      }
    }
    if (!used.isEmpty() && !config.webhooksEnabled()) {
      return Verdict.notReady(
          "WebhooksFeatureDisabled",
          "The rule uses webhooks but the webhooks feature is switched off in the operator configuration");
    }
    return new Verdict(
        true, "Ready", "The rule is valid and its webhooks may be used by its mailbox.");
  }
}
