package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.actions.ActionProcessor;
import com.emailgistics.webhooks.actions.ProcessedActions;
import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleActionType;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.delivery.DeliveryEngine;
import com.emailgistics.webhooks.delivery.DeliveryOutcome;
import com.emailgistics.webhooks.delivery.DeliveryResult;
import com.emailgistics.webhooks.delivery.PayloadBuilder;
import com.emailgistics.webhooks.dispatch.DispatchReport.ActionReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.DeliveryReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.DroppedActionReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.MailboxInfo;
import com.emailgistics.webhooks.dispatch.DispatchReport.RuleReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.Source;
import com.emailgistics.webhooks.message.Message;
import com.emailgistics.webhooks.reconciler.References;
import com.emailgistics.webhooks.reconciler.webhook.ConfigurationProblem;
import com.emailgistics.webhooks.reconciler.webhook.ResolvedWebhook;
import com.emailgistics.webhooks.rules.CompiledRule;
import com.emailgistics.webhooks.rules.RuleEvaluation;
import com.emailgistics.webhooks.rules.RuleSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Evaluates a mailbox's rules for a message and delivers to the webhooks of the matching rules,
 * one after the other in rule and action order (the product waits for each answer before going
 * on). Everything is read from informer caches; nothing here blocks a thread.
 */
public final class DispatchService {
  private final ClusterView cluster;
  private final OperatorConfig config;
  private final DeliveryEngine engine;
  private final DeliveryRecorder recorder;
  private final CompiledRules compiledRules = new CompiledRules();
  private final ResolvedWebhooks resolvedWebhooks = new ResolvedWebhooks();

  public DispatchService(ClusterView cluster, OperatorConfig config, DeliveryEngine engine, DeliveryRecorder recorder) {
    this.cluster = cluster;
    this.config = config;
    this.engine = engine;
    this.recorder = recorder;
  }

  /** Evaluates the rules of the Mailbox with {@code address} and delivers. */
  public CompletableFuture<DispatchReport> dispatchToMailbox(String address, Message message) throws DispatchException {
    List<Mailbox> candidates = cluster.mailboxesWithAddress(address);
    if (candidates.isEmpty()) {
      throw new DispatchException(404, "No Mailbox with address " + address + " is known to the operator");
    }
    if (candidates.size() > 1) {
      throw new DispatchException(409, "The address " + address + " belongs to several Mailboxes: "
          + candidates.stream().map(References::key).sorted().collect(Collectors.joining(", ")));
    }
    Mailbox mailbox = candidates.get(0);
    Map<String, MailboxRule> byName = cluster.rulesOf(mailbox).stream()
        .collect(Collectors.toMap(rule -> rule.getMetadata().getName(), Function.identity()));
    List<RuleReport> ruleReports = new ArrayList<>();
    List<CompiledRule> valid = new ArrayList<>();
    for (MailboxRule rule : byName.values()) {
      CompiledRules.Entry entry = compiledRules.get(rule);
      if (entry.rule() != null) {
        valid.add(entry.rule());
      } else {
        ruleReports.add(new RuleReport(rule.getMetadata().getName(), rule.getSpec().getPriority(), false,
            "rule is invalid: " + entry.problem().getMessage()));
      }
    }
    Message addressed = withMailbox(message, mailbox);
    List<MailboxRule> matched = new ArrayList<>();
    for (RuleEvaluation evaluation : new RuleSet(valid).evaluate(addressed)) {
      MailboxRule rule = byName.get(evaluation.rule());
      ruleReports.add(new RuleReport(evaluation.rule(), rule.getSpec().getPriority(), evaluation.matched(), evaluation.reason()));
      if (evaluation.matched()) {
        matched.add(rule);
      }
    }
    ruleReports.sort(Comparator.comparingInt(RuleReport::priority).thenComparing(RuleReport::name));
    return run(mailbox, matched, addressed, ruleReports);
  }

  /** Delivers for a rule that an external rule engine has already matched. */
  public CompletableFuture<DispatchReport> dispatchToRule(String namespace, String name, Message message)
      throws DispatchException {
    MailboxRule rule = cluster.rule(namespace, name)
        .orElseThrow(() -> new DispatchException(404, "No MailboxRule " + namespace + "/" + name + " is known to the operator"));
    Mailbox mailbox = cluster.mailbox(namespace, rule.getSpec().getMailbox())
        .orElseThrow(() -> new DispatchException(404, "MailboxRule " + namespace + "/" + name
            + " belongs to Mailbox " + rule.getSpec().getMailbox() + ", which does not exist"));
    boolean enabled = rule.getSpec().isEnabled();
    RuleReport report = new RuleReport(name, rule.getSpec().getPriority(), enabled,
        enabled ? "matched by the caller" : "rule is disabled");
    return run(mailbox, enabled ? List.of(rule) : List.of(), withMailbox(message, mailbox), List.of(report));
  }

  private CompletableFuture<DispatchReport> run(
      Mailbox mailbox, List<MailboxRule> matched, Message message, List<RuleReport> rules) {
    Accumulator results = new Accumulator();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (MailboxRule rule : matched) {
      List<RuleAction> actions = rule.getSpec().getActions();
      for (RuleAction action : actions) {
        chain = chain.thenCompose(ignored -> apply(rule, action, mailbox, message, results));
      }
    }
    return chain.thenApply(ignored -> new DispatchReport(
        message.id(),
        new MailboxInfo(mailbox.getMetadata().getNamespace(), mailbox.getMetadata().getName(), mailbox.getSpec().getAddress()),
        config.webhooksEnabled(),
        rules,
        results.deliveries,
        results.actions,
        results.dropped));
  }

  private CompletableFuture<Void> apply(
      MailboxRule rule, RuleAction action, Mailbox mailbox, Message message, Accumulator results) {
    String ruleName = rule.getMetadata().getName();
    if (action.getType() != RuleActionType.UseWebhook) {
      results.add(new Source(ruleName, null), ActionProcessor.process(List.of(StaticActions.toWebhookShape(action)), mailbox.getSpec()));
      return CompletableFuture.completedFuture(null);
    }
    NamespacedReference ref = action.getWebhook();
    return deliver(ruleName, ref, mailbox, message).thenAccept(result -> {
      results.deliveries.add(new DeliveryReport(ruleName, ref, result.outcome().name(),
          result.category() == null ? null : result.category().name(), result.attempts(), result.httpStatus(),
          result.message(), result.durationMillis()));
      if (result.outcome() == DeliveryOutcome.Succeeded) {
        results.add(new Source(ruleName, ref), ActionProcessor.process(result.actions(), mailbox.getSpec()));
      }
    });
  }

  private CompletableFuture<DeliveryResult> deliver(String ruleName, NamespacedReference ref, Mailbox mailbox, Message message) {
    if (!config.webhooksEnabled()) {
      return CompletableFuture.completedFuture(DeliveryResult.notAttempted(
          "WebhooksFeatureDisabled: the webhooks feature is switched off in the operator configuration"));
    }
    Webhook webhook = cluster.webhook(ref).orElse(null);
    if (webhook == null) {
      return CompletableFuture.completedFuture(DeliveryResult.notAttempted("WebhookNotFound: Webhook " + ref.key() + " does not exist"));
    }
    String mailboxNamespace = mailbox.getMetadata().getNamespace();
    String mailboxName = mailbox.getMetadata().getName();
    if (!webhook.getSpec().permitsMailbox(mailboxNamespace, mailboxName)) {
      return CompletableFuture.completedFuture(DeliveryResult.notAttempted("WebhookNotPermitted: Webhook " + ref.key()
          + " does not list Mailbox " + References.key(mailboxNamespace, mailboxName)));
    }
    ResolvedWebhook resolved;
    try {
      resolved = resolvedWebhooks.get(webhook, cluster.secretsOf(webhook));
    } catch (ConfigurationProblem problem) {
      return CompletableFuture.completedFuture(DeliveryResult.notAttempted(problem.reason() + ": " + problem.getMessage()));
    }
    byte[] payload = PayloadBuilder.toBytes(PayloadBuilder.build(message, resolved.options()));
    recorder.started();
    return engine.deliver(resolved.endpoint(), payload)
        .whenComplete((result, failure) -> recorder.finished(webhook, ruleName, message.id(), result));
  }

  private static Message withMailbox(Message message, Mailbox mailbox) {
    if (message.mailbox() != null) {
      return message;
    }
    return new Message(message.id(), message.event(), message.internetMessageId(), message.received(),
        mailbox.getSpec().getAddress(), message.sender(), message.from(), message.to(), message.cc(), message.subject(),
        message.hasAttachments(), message.timestamp(), message.conversationId(), message.bodyText(), message.customFields());
  }

  /** Results gathered along the sequential chain (one thread at a time touches it). */
  private static final class Accumulator {
    final List<DeliveryReport> deliveries = new ArrayList<>();
    final List<ActionReport> actions = new ArrayList<>();
    final List<DroppedActionReport> dropped = new ArrayList<>();

    void add(Source source, ProcessedActions processed) {
      processed.applied().forEach(a -> actions.add(new ActionReport(source, a.type(), a.name(), a.value(), a.notes())));
      processed.dropped().forEach(d -> dropped.add(new DroppedActionReport(source, d.index(), d.type(), d.name(), d.reason())));
    }
  }
}
