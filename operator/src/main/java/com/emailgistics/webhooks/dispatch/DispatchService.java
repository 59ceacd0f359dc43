package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.actions.ProcessedActions;
import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleActionType;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookAvailability;
import com.emailgistics.webhooks.delivery.Admission;
import com.emailgistics.webhooks.delivery.Deadline;
import com.emailgistics.webhooks.delivery.DeliveryEngine;
import com.emailgistics.webhooks.delivery.DeliveryOutcome;
import com.emailgistics.webhooks.delivery.DeliveryResult;
import com.emailgistics.webhooks.delivery.DeliverySigner;
import com.emailgistics.webhooks.delivery.PayloadOptions;
import com.emailgistics.webhooks.delivery.PayloadWriter;
import com.emailgistics.webhooks.delivery.Redactor;
import com.emailgistics.webhooks.dispatch.DispatchReport.ActionReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.DeliveryReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.DroppedActionReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.RuleReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.Source;
import com.emailgistics.webhooks.kube.References;
import com.emailgistics.webhooks.message.Message;
import com.emailgistics.webhooks.resolution.ConfigurationProblem;
import com.emailgistics.webhooks.resolution.ResolvedWebhook;
import com.emailgistics.webhooks.rules.RuleEvaluation;
import io.fabric8.kubernetes.api.model.Secret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates a mailbox's rules for a message and delivers to the webhooks of the matching rules, one
 * after the other in rule and action order (the product waits for each answer before going on),
 * within the message's deadline and the admission limits. Everything is read from informer caches;
 * a message runs on one event loop from its request to its answer.
 */
public final class DispatchService {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchService.class);
  private static final int MAX_LOGGED_CHARS = 256;
  private static final String FEATURE_DISABLED = "WebhooksFeatureDisabled";
  private static final Redactor NO_SECRET = new Redactor(Optional.empty());
  private final ClusterView cluster;
  private final boolean webhooksEnabled;
  private final Admission admission;
  private final DeliveryRecorder recorder;
  private final RuleProblemLog problems;
  private final Counter regexBudgetExceeded;
  private final MeterRegistry metrics;
  private final Map<String, Counter> notAttempted = new ConcurrentHashMap<>();
  private final MailboxRuleSets ruleSets;
  private final ResolvedWebhooks resolvedWebhooks = new ResolvedWebhooks();

  public DispatchService(
      ClusterView cluster,
      boolean webhooksEnabled,
      Admission admission,
      DeliveryRecorder recorder,
      RuleProblemLog problems,
      MeterRegistry metrics) {
    this.cluster = cluster;
    this.ruleSets = new MailboxRuleSets(cluster);
    this.problems = problems;
    this.webhooksEnabled = webhooksEnabled;
    this.admission = admission;
    this.recorder = recorder;
    this.metrics = metrics;
    this.regexBudgetExceeded =
        Counter.builder("emailgistics_rule_regex_budget_exceeded")
            .description(
                "Rule evaluations in which a regular expression was stopped by its budget (counted as not matching)")
            .register(metrics);
  }

  /**
   * Evaluates the rules of the Mailbox with {@code address} and delivers; call on the event loop of
   * {@code engine}. The future fails only with a {@link DispatchException} (503 when the first
   * webhook to deliver to is at its limit).
   */
  public Future<DispatchReport> dispatchToMailbox(
      String address, Message message, DeliveryEngine engine, Deadline deadline)
      throws DispatchException {
    MailboxRuleSets.Addressed known = ruleSets.forAddress(address);
    List<Mailbox> candidates = known.mailboxes();
    if (candidates.isEmpty()) {
      throw new DispatchException(
          404, "No Mailbox with address " + address + " is known to the operator");
    }
    if (candidates.size() > 1) {
      throw new DispatchException(
          409,
          "The address "
              + address
              + " belongs to several Mailboxes: "
              + candidates.stream()
                  .map(References::key)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    MailboxRuleSets.Prepared prepared = known.prepared();
    Message addressed = addressedTo(message, prepared.mailbox());
    List<RuleReport> ruleReports = new ArrayList<>(prepared.invalid());
    List<Step> steps = new ArrayList<>();
    List<RuleEvaluation> evaluations = prepared.rules().evaluate(addressed);
    for (int i = 0; i < evaluations.size(); i++) {
      RuleEvaluation evaluation = evaluations.get(i);
      ruleReports.add(
          new RuleReport(
              evaluation.rule(), evaluation.priority(), evaluation.matched(), evaluation.reason()));
      if (evaluation.tooCostly()) {
        regexBudgetExceeded.increment();
      }
      if (evaluation.matched()) {
        for (RuleAction action : prepared.actions().get(i)) {
          steps.add(new Step(evaluation.rule(), action));
        }
      }
    }
    if (!prepared.invalid().isEmpty()) {
      ruleReports.sort(
          Comparator.comparingInt(RuleReport::priority).thenComparing(RuleReport::name));
    }
    return new Run(prepared.mailbox(), addressed, ruleReports, steps, engine, deadline).start();
  }

  /** Delivers for a rule that an external rule engine has already matched. */
  public Future<DispatchReport> dispatchToRule(
      String namespace, String name, Message message, DeliveryEngine engine, Deadline deadline)
      throws DispatchException {
    MailboxRule rule =
        cluster
            .rule(namespace, name)
            .orElseThrow(
                () ->
                    new DispatchException(
                        404,
                        "No MailboxRule " + namespace + "/" + name + " is known to the operator"));
    Mailbox mailbox =
        cluster
            .mailbox(namespace, rule.getSpec().getMailbox())
            .orElseThrow(
                () ->
                    new DispatchException(
                        404,
                        "MailboxRule "
                            + namespace
                            + "/"
                            + name
                            + " belongs to Mailbox "
                            + rule.getSpec().getMailbox()
                            + ", which does not exist"));
    boolean enabled = rule.getSpec().isEnabled();
    RuleReport report =
        new RuleReport(
            name,
            rule.getSpec().getPriority(),
            enabled,
            enabled ? "matched by the caller" : "rule is disabled");
    List<Step> steps =
        enabled
            ? rule.getSpec().getActions().stream().map(action -> new Step(name, action)).toList()
            : List.of();
    PreparedMailbox prepared = prepared(mailbox);
    return new Run(
            prepared, addressedTo(message, prepared), List.of(report), steps, engine, deadline)
        .start();
  }

  /** The mailbox as its own messages use it, prepared once per spec of the Mailbox. */
  private PreparedMailbox prepared(Mailbox mailbox) {
    MailboxRuleSets.Prepared known = ruleSets.forAddress(mailbox.getSpec().getAddress()).prepared();
    return known != null && References.sameSpec(known.mailbox().source(), mailbox)
        ? known.mailbox()
        : PreparedMailbox.of(mailbox);
  }

  /**
   * The message as delivered: its {@code mailbox} is always the Mailbox's address, so a payload
   * never names another mailbox than the one whose rules sent it.
   */
  private static Message addressedTo(Message message, PreparedMailbox mailbox)
      throws DispatchException {
    String address = mailbox.address();
    if (message.mailbox() != null && !message.mailbox().equalsIgnoreCase(address)) {
      throw new DispatchException(
          400,
          "field 'mailbox' ("
              + message.mailbox()
              + ") differs from the address of Mailbox "
              + mailbox.key()
              + " ("
              + address
              + ")");
    }
    if (address.equals(message.mailbox())) {
      return message;
    }
    return message.withMailbox(address);
  }

  /** An action of a matched rule; a message runs them in rule order, then action order. */
  private record Step(String rule, RuleAction action) {}

  /**
   * One message's actions, run in order on one event loop: built-in actions join the result at
   * once, each UseWebhook waits for its delivery before the next step.
   */
  private final class Run {
    private final PreparedMailbox mailbox;
    private final Message message;
    private final List<RuleReport> rules;
    private final List<Step> steps;
    private final DeliveryEngine engine;
    private final Deadline deadline;
    private final Promise<DispatchReport> report = Promise.promise();
    private final List<DeliveryReport> deliveries = new ArrayList<>();
    private final List<ActionReport> actions = new ArrayList<>();
    private final List<DroppedActionReport> dropped = new ArrayList<>();
    private Buffer payload;
    private PayloadOptions payloadOptions;

    /** The message's webhook-id for signed deliveries, made on first use. */
    private String deliveryId;

    private int next;
    private boolean attempted;
    private boolean complete = true;

    Run(
        PreparedMailbox mailbox,
        Message message,
        List<RuleReport> rules,
        List<Step> steps,
        DeliveryEngine engine,
        Deadline deadline) {
      this.mailbox = mailbox;
      this.message = message;
      this.rules = rules;
      this.steps = steps;
      this.engine = engine;
      this.deadline = deadline;
    }

    Future<DispatchReport> start() {
      proceed();
      return report.future();
    }

    private void proceed() {
      guarded(this::runSteps);
    }

    /**
     * Callbacks of deliveries and slots run through here because Vert.x would swallow their
     * exceptions: a bug fails the message (the server answers 500) instead of leaving its caller
     * waiting.
     */
    private void guarded(Runnable step) {
      try {
        step.run();
      } catch (RuntimeException | StackOverflowError e) {
        report.tryFail(e);
      }
    }

    private void runSteps() {
      while (next < steps.size()) {
        Step step = steps.get(next++);
        String ruleName = step.rule();
        if (step.action().getType() != RuleActionType.UseWebhook) {
          add(
              new Source(ruleName, null),
              mailbox.actions().process(List.of(StaticActions.toWebhookShape(step.action()))),
              NO_SECRET);
          continue;
        }
        NamespacedReference ref = step.action().getWebhook();
        String notDelivered =
            webhooksEnabled
                ? null
                : FEATURE_DISABLED
                    + ": the webhooks feature is switched off in the operator configuration";
        ResolvedWebhooks.Target target = notDelivered == null ? target(ref) : null;
        if (notDelivered == null) {
          notDelivered = whyNot(ref, target);
        }
        if (notDelivered != null) {
          record(ruleName, ref, DeliveryResult.notAttempted(notDelivered), NO_SECRET);
          continue;
        }
        if (deadline.passed()) {
          recordDeadlineExceeded(ruleName, ref, "before this delivery could start");
          continue;
        }
        deliverWithSlot(ruleName, ref, target);
        return;
      }
      report.complete(
          new DispatchReport(
              message.id(),
              mailbox.info(),
              webhooksEnabled,
              complete,
              rules,
              deliveries,
              actions,
              dropped));
    }

    /**
     * The first delivery of a message takes a slot only if one is free (otherwise nothing has
     * happened yet, and the whole message is refused with 503 for the caller to retry); later ones
     * wait for a slot, within the deadline.
     */
    private void deliverWithSlot(
        String ruleName, NamespacedReference ref, ResolvedWebhooks.Target target) {
      String key = ref.key();
      if (!attempted) {
        Admission.Slot slot = admission.tryAcquire(key);
        if (slot == null) {
          report.fail(
              new DispatchException(
                  503,
                  "Webhook "
                      + key
                      + " has "
                      + admission.limits().maxDeliveriesPerWebhook()
                      + " deliveries in flight (its limit) or the operator has "
                      + admission.limits().maxDeliveries()
                      + " (the overall limit); retry later"));
          return;
        }
        deliver(ruleName, ref, target, slot);
        return;
      }
      Vertx owner = engine.http().lane().owner();
      Admission.Waiting waiting = admission.acquire(key, engine.http().lane());
      long timer =
          owner.setTimer(
              Math.max(1, deadline.remainingMillis()), id -> deadline.expire(deadline.reason()));
      // Exactly one of the two goes on: the hook if the wait ends before a slot is granted, else
      // the grant (which then finds the deadline passed).
      deadline.onExpire(
          () -> {
            owner.cancelTimer(timer);
            if (waiting.cancel()) {
              guarded(
                  () -> {
                    recordDeadlineExceeded(
                        ruleName, ref, "while waiting for a free delivery slot of Webhook " + key);
                    runSteps();
                  });
            }
          });
      waiting
          .slot()
          .onSuccess(
              slot -> {
                owner.cancelTimer(timer);
                deadline.clearHook();
                if (deadline.passed()) {
                  slot.release();
                  guarded(
                      () -> {
                        recordDeadlineExceeded(ruleName, ref, "before this delivery could start");
                        runSteps();
                      });
                } else {
                  guarded(() -> deliver(ruleName, ref, target, slot));
                }
              });
    }

    private void deliver(
        String ruleName,
        NamespacedReference ref,
        ResolvedWebhooks.Target target,
        Admission.Slot slot) {
      attempted = true;
      Future<DeliveryResult> delivered;
      try {
        if (deliveryId == null) {
          deliveryId = DeliverySigner.deliveryId(message.id());
        }
        delivered =
            engine.deliver(
                target.resolved().endpoint(), deliveryId, payloadFor(target.resolved()), deadline);
      } catch (RuntimeException e) {
        slot.release();
        throw e;
      }
      delivered.onComplete(
          done -> {
            slot.release();
            guarded(
                () -> {
                  DeliveryResult result = done.result();
                  recorder.finished(target.webhook(), ruleName, message.id(), result);
                  if (deadline.passed() && result.outcome() == DeliveryOutcome.Failed) {
                    complete = false;
                  }
                  record(ruleName, ref, result, target.resolved().endpoint().redactor());
                  runSteps();
                });
          });
    }

    private void recordDeadlineExceeded(String ruleName, NamespacedReference ref, String when) {
      complete = false;
      record(
          ruleName,
          ref,
          DeliveryResult.notAttempted("DeadlineExceeded: " + deadline.reason() + " " + when),
          NO_SECRET);
    }

    /** Payloads differ only by what the webhook includes: built once per combination. */
    private Buffer payloadFor(ResolvedWebhook resolved) {
      if (payload == null || !resolved.options().equals(payloadOptions)) {
        payload = PayloadWriter.write(message, resolved.options());
        payloadOptions = resolved.options();
      }
      return payload;
    }

    private ResolvedWebhooks.Target target(NamespacedReference ref) {
      Webhook webhook = cluster.webhook(ref).orElse(null);
      return webhook == null ? null : resolvedWebhooks.get(webhook, cluster.secrets(webhook));
    }

    /** Why a delivery to {@code target} cannot be attempted, or null when it can. */
    private String whyNot(NamespacedReference ref, ResolvedWebhooks.Target target) {
      if (target == null || !target.permits(mailbox.key())) {
        return WebhookAvailability.NOT_AVAILABLE
            + ": "
            + WebhookAvailability.notAvailable(ref, mailbox.namespace(), mailbox.info().name());
      }
      return target.problem() == null
          ? null
          : target.problem().reason() + ": " + target.problem().getMessage();
    }

    /** {@code redactor} scrubs the webhook's secret from the texts of the actions it returned. */
    private void record(
        String ruleName, NamespacedReference ref, DeliveryResult result, Redactor redactor) {
      if (result.outcome() == DeliveryOutcome.NotAttempted) {
        countNotAttempted(result.message());
      }
      if (result.outcome() != DeliveryOutcome.Succeeded) {
        // The product logs failed deliveries (spec C4): one line each, fields documented in
        // docs/operations.md; the reason is the redacted, capped endpoint text, never the body.
        LOG.atWarn()
            .addKeyValue("messageId", shortened(message.id()))
            .addKeyValue("mailbox", mailbox.key())
            .addKeyValue("rule", ruleName)
            .addKeyValue("webhook", ref.key())
            .addKeyValue("outcome", result.outcome())
            .addKeyValue("category", result.category())
            .addKeyValue("attempts", result.attempts())
            .addKeyValue("httpStatus", result.httpStatus())
            .addKeyValue("durationMillis", result.durationMillis())
            .addKeyValue("reason", result.message())
            .log("Delivery not successful");
        String reason = Objects.requireNonNullElse(result.message(), "");
        if (!reason.startsWith(FEATURE_DISABLED)) {
          problem(
              ruleName,
              result.outcome() == DeliveryOutcome.NotAttempted
                  ? RuleProblemLog.DELIVERY_NOT_ATTEMPTED
                  : RuleProblemLog.DELIVERY_FAILED,
              ref.key(),
              result.outcome() == DeliveryOutcome.NotAttempted
                  ? reason
                  : result.outcome()
                      + (result.httpStatus() == null ? "" : " (HTTP " + result.httpStatus() + ")")
                      + ": "
                      + reason);
        }
      }
      deliveries.add(
          new DeliveryReport(
              ruleName,
              ref,
              result.outcome().name(),
              result.category() == null ? null : result.category().name(),
              result.attempts(),
              result.httpStatus(),
              result.message(),
              result.durationMillis()));
      if (result.outcome() == DeliveryOutcome.Succeeded) {
        add(new Source(ruleName, ref), mailbox.actions().process(result.actions()), redactor);
      }
    }

    /** Puts a problem into the rule's admin log (status.problems, Events). */
    private void problem(String ruleName, String kind, String webhook, String text) {
      cluster
          .rule(mailbox.namespace(), ruleName)
          .ifPresent(rule -> problems.record(rule, kind, webhook, text));
    }

    private void add(Source source, ProcessedActions processed, Redactor redactor) {
      processed
          .applied()
          .forEach(
              a -> actions.add(new ActionReport(source, a.type(), a.name(), a.value(), a.notes())));
      processed
          .dropped()
          .forEach(
              d -> {
                dropped.add(
                    new DroppedActionReport(source, d.index(), d.type(), d.name(), d.reason()));
                LOG.atWarn()
                    .addKeyValue("messageId", shortened(message.id()))
                    .addKeyValue("mailbox", mailbox.key())
                    .addKeyValue("rule", source.rule())
                    .addKeyValue(
                        "webhook", source.webhook() == null ? null : source.webhook().key())
                    .addKeyValue("index", d.index())
                    .addKeyValue("type", shortened(redactor.redact(d.type())))
                    .addKeyValue("name", shortened(redactor.redact(d.name())))
                    .addKeyValue("reason", shortened(redactor.redact(d.reason())))
                    .log("Action dropped");
                problem(
                    source.rule(),
                    RuleProblemLog.ACTION_DROPPED,
                    source.webhook() == null ? null : source.webhook().key(),
                    "action "
                        + d.index()
                        + " ("
                        + shortened(redactor.redact(d.type()))
                        + ") dropped: "
                        + shortened(redactor.redact(d.reason())));
              });
    }
  }

  /** A caller's or endpoint's value cut for a log line (a message id may be a megabyte long). */
  static String shortened(String value) {
    return value == null || value.length() <= MAX_LOGGED_CHARS
        ? value
        : value.substring(0, MAX_LOGGED_CHARS) + "...";
  }

  /** By reason, the word before the colon of every not-attempted message (a fixed set). */
  private void countNotAttempted(String message) {
    String reason = message.substring(0, Math.max(0, message.indexOf(':')));
    notAttempted
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("emailgistics_deliveries_not_attempted")
                    .description(
                        "Deliveries a matching rule asked for that were not attempted, by reason")
                    .tag("reason", r)
                    .register(metrics))
        .increment();
  }

  /**
   * The CA bundles of the Webhooks as they are now: the delivery clients of any other bundle can
   * go.
   */
  public Set<String> caBundlesInUse() {
    Set<String> bundles = new HashSet<>();
    for (Webhook webhook : cluster.webhooks()) {
      Map<String, Secret> secrets = new HashMap<>();
      cluster.secrets(webhook).stream()
          .filter(Objects::nonNull)
          .forEach(secret -> secrets.put(secret.getMetadata().getName(), secret));
      try {
        ResolvedWebhook.resolve(webhook, secrets).endpoint().caBundlePem().ifPresent(bundles::add);
      } catch (ConfigurationProblem unusable) {
        // Nothing is delivered to it, with any bundle.
      }
    }
    return bundles;
  }

  /** Forgets what was derived from Mailboxes, rules and Webhooks that no longer exist. */
  public void forgetDeleted() {
    Set<String> mailboxes = cluster.mailboxUids();
    Set<String> rules = cluster.ruleUids();
    ruleSets.retainOnly(mailboxes, rules);
    problems.retainRules(rules);
    Set<String> webhooks = cluster.webhookUids();
    resolvedWebhooks.retainOnly(webhooks);
    recorder.retainWebhooks(webhooks);
  }
}
