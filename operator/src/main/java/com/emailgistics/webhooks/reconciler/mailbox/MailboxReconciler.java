package com.emailgistics.webhooks.reconciler.mailbox;

import com.emailgistics.webhooks.api.AvailableWebhook;
import com.emailgistics.webhooks.api.CustomFieldDefinition;
import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxStatus;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.kube.Informers;
import com.emailgistics.webhooks.kube.References;
import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.reconciler.ConditionSet;
import com.emailgistics.webhooks.reconciler.Leadership;
import com.emailgistics.webhooks.reconciler.ReconcileErrors;
import com.emailgistics.webhooks.reconciler.Retrigger;
import com.emailgistics.webhooks.reconciler.StatusWriter;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Lists in a Mailbox's status the webhooks whose mailbox list includes it, so that mailbox
 * administrators, who cannot read Webhooks, see what their rules may use; and validates the
 * mailbox's custom field definitions.
 */
@ControllerConfiguration(
    name = MailboxReconciler.NAME,
    // No per-reconciliation timer (WebhookOperator.RESYNC says why).
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 0))
public class MailboxReconciler implements Reconciler<Mailbox> {
  public static final String NAME = "mailbox";
  static final String LISTED_WEBHOOK_INDEX = "mailboxes-by-listed-webhook";

  /** Mailboxes by lower-cased address: the dispatch endpoint looks them up this way. */
  public static final String ADDRESS_INDEX = "mailboxes-by-address";

  private final OperatorConfig config;
  private final Leadership leadership;
  private final Clock clock;
  private final ReconcileErrors errors;
  private final StatusWriter statuses;
  private final Retrigger<Mailbox> retrigger = new Retrigger<>();
  private volatile IndexerResourceCache<Mailbox> mailboxes;

  public MailboxReconciler(
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

  /** Reconciles every Mailbox again (on becoming the leader). */
  public void reconcileAll() {
    retrigger.all();
  }

  @Override
  public List<EventSource<?, Mailbox>> prepareEventSources(EventSourceContext<Mailbox> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            LISTED_WEBHOOK_INDEX,
            mailbox ->
                Optional.ofNullable(mailbox.getStatus())
                    .map(MailboxStatus::getAvailableWebhooks)
                    .orElse(List.of())
                    .stream()
                    .map(available -> available.getWebhook().key())
                    .toList());
    context
        .getPrimaryCache()
        .addIndexer(
            ADDRESS_INDEX, mailbox -> List.of(EmailAddress.key(mailbox.getSpec().getAddress())));
    this.mailboxes = context.getPrimaryCache();
    InformerEventSourceConfiguration.Builder<Webhook> webhooks =
        Informers.source(Webhook.class, Mailbox.class)
            .withOnUpdateFilter(References.specChanged())
            .withSecondaryToPrimaryMapper(
                webhook -> {
                  // Mailboxes it lists now, and those that still show it (it may have dropped
                  // them).
                  Set<ResourceID> mailboxes =
                      new HashSet<>(
                          References.byIndex(
                              context.getPrimaryCache(),
                              LISTED_WEBHOOK_INDEX,
                              References.key(webhook)));
                  webhook
                      .getSpec()
                      .getMailboxes()
                      .forEach(
                          ref -> mailboxes.add(new ResourceID(ref.getName(), ref.getNamespace())));
                  return mailboxes;
                });
    return List.of(
        new InformerEventSource<>(
            References.inNamespaces(webhooks, config.webhookNamespaces()).build(), context),
        retrigger.eventSource(context));
  }

  /** The Mailbox informer's cache, indexed by {@link #ADDRESS_INDEX}. */
  public IndexerResourceCache<Mailbox> mailboxCache() {
    return mailboxes;
  }

  @Override
  public ErrorStatusUpdateControl<Mailbox> updateErrorStatus(
      Mailbox resource, Context<Mailbox> context, Exception failure) {
    return leadership.leading()
        ? errors.reported(resource, context, failure, statuses, MailboxStatus::new)
        : errors.counted();
  }

  /**
   * Observe the Webhooks that permit the mailbox, validate its custom fields (Ready), record the
   * status.
   */
  @Override
  public UpdateControl<Mailbox> reconcile(Mailbox mailbox, Context<Mailbox> context) {
    if (!leadership.leading()) {
      return UpdateControl.noUpdate();
    }
    List<AvailableWebhook> available = availableWebhooks(mailbox, context);
    ConditionSet conditions =
        new ConditionSet(
            Optional.ofNullable(mailbox.getStatus())
                .map(MailboxStatus::getConditions)
                .orElse(List.of()),
            mailbox.getMetadata().getGeneration(),
            clock);
    List<String> problems = customFieldProblems(mailbox.getSpec().getCustomFields());
    if (problems.isEmpty()) {
      conditions.set(ConditionSet.READY, true, "Ready", "The mailbox configuration is valid.");
    } else {
      conditions.set(ConditionSet.READY, false, "InvalidCustomField", String.join("; ", problems));
    }
    MailboxStatus status = new MailboxStatus();
    status.setObservedGeneration(mailbox.getMetadata().getGeneration());
    status.setAvailableWebhooks(available);
    status.setAvailableWebhookCount(available.size());
    status.setConditions(conditions.toList());
    return statuses.write(mailbox, status, context);
  }

  /** The Webhooks that list this mailbox, by display name. */
  private static List<AvailableWebhook> availableWebhooks(
      Mailbox mailbox, Context<Mailbox> context) {
    String namespace = mailbox.getMetadata().getNamespace();
    String name = mailbox.getMetadata().getName();
    return context.getSecondaryResources(Webhook.class).stream()
        .filter(webhook -> webhook.getSpec().permitsMailbox(namespace, name))
        .map(
            webhook ->
                new AvailableWebhook(
                    webhook.getSpec().getDisplayName(),
                    new NamespacedReference(
                        webhook.getMetadata().getNamespace(), webhook.getMetadata().getName())))
        .sorted(
            Comparator.comparing(AvailableWebhook::getDisplayName)
                .thenComparing(a -> a.getWebhook().key()))
        .toList();
  }

  private static List<String> customFieldProblems(List<CustomFieldDefinition> fields) {
    List<String> problems = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < fields.size(); i++) {
      CustomFieldDefinition field = fields.get(i);
      String path = "spec.customFields[" + i + "]";
      if (!keys.add(field.getKey())) {
        problems.add(path + ".key: duplicate key \"" + field.getKey() + "\"");
      }
      if (field.getValidationPattern() != null) {
        try {
          Pattern.compile(field.getValidationPattern());
        } catch (PatternSyntaxException e) {
          problems.add(
              path
                  + ".validationPattern: invalid regular expression: "
                  + e.getDescription()
                  + " near index "
                  + e.getIndex());
        }
      }
    }
    return problems;
  }
}
