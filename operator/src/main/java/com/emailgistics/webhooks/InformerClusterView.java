package com.emailgistics.webhooks;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.dispatch.ChangeStamps;
import com.emailgistics.webhooks.dispatch.ClusterView;
import com.emailgistics.webhooks.kube.References;
import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.reconciler.mailbox.MailboxReconciler;
import com.emailgistics.webhooks.reconciler.rule.MailboxRuleReconciler;
import com.emailgistics.webhooks.reconciler.webhook.WebhookReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What dispatch reads, served from the reconcilers' informer caches. Every replica keeps these
 * caches warm, leader or not, so every replica can serve dispatch without calling the API server.
 * The Mailbox and MailboxRule stores report their changes here ({@link #mailboxStored}, {@link
 * #ruleStored}), which stamps the addresses concerned.
 */
final class InformerClusterView implements ClusterView {
  private final WebhookReconciler webhooks;
  private final MailboxReconciler mailboxes;
  private final MailboxRuleReconciler rules;
  private final ChangeStamps addressChanges = new ChangeStamps();

  InformerClusterView(
      WebhookReconciler webhooks, MailboxReconciler mailboxes, MailboxRuleReconciler rules) {
    this.webhooks = webhooks;
    this.mailboxes = mailboxes;
    this.rules = rules;
  }

  @Override
  public List<Mailbox> mailboxesWithAddress(String address) {
    return mailboxes
        .mailboxCache()
        .byIndex(MailboxReconciler.ADDRESS_INDEX, EmailAddress.key(address));
  }

  @Override
  public ChangeStamps.Stamp changeStamp(String addressKey) {
    return addressChanges.stamp(addressKey);
  }

  /**
   * A Mailbox was stored or removed: its old and new addresses changed, unless only its status or
   * metadata did, which dispatch does not read.
   */
  void mailboxStored(Mailbox previous, Mailbox current) {
    if (previous != null && current != null && References.sameSpec(previous, current)) {
      return;
    }
    for (Mailbox mailbox : bothOf(previous, current)) {
      addressChanges.changed(addressKey(mailbox));
    }
  }

  /**
   * A rule was stored or removed: the address of its Mailbox, before and after, changed, unless
   * only the rule's status or metadata did (the dispatch side writes its problems into the status
   * every few seconds while a webhook fails).
   */
  void ruleStored(MailboxRule previous, MailboxRule current) {
    if (previous != null && current != null && References.sameSpec(previous, current)) {
      return;
    }
    for (MailboxRule rule : bothOf(previous, current)) {
      mailbox(rule.getMetadata().getNamespace(), rule.getSpec().getMailbox())
          .ifPresent(mailbox -> addressChanges.changed(addressKey(mailbox)));
    }
  }

  private static String addressKey(Mailbox mailbox) {
    return EmailAddress.key(mailbox.getSpec().getAddress());
  }

  private static <T> List<T> bothOf(T previous, T current) {
    List<T> objects = new ArrayList<>(2);
    if (previous != null) {
      objects.add(previous);
    }
    if (current != null) {
      objects.add(current);
    }
    return objects;
  }

  /** Forgets the change stamps of addresses no Mailbox has any more. */
  void forgetDeletedAddresses() {
    addressChanges.retainOnly(
        mailboxes
            .mailboxCache()
            .list()
            .map(InformerClusterView::addressKey)
            .collect(Collectors.toSet()));
  }

  @Override
  public List<MailboxRule> rulesOf(Mailbox mailbox) {
    return rules.ruleCache().byIndex(MailboxRuleReconciler.MAILBOX_INDEX, References.key(mailbox));
  }

  @Override
  public Optional<MailboxRule> rule(String namespace, String name) {
    return rules.ruleCache().get(new ResourceID(name, namespace));
  }

  @Override
  public Optional<Mailbox> mailbox(String namespace, String name) {
    return mailboxes.mailboxCache().get(new ResourceID(name, namespace));
  }

  @Override
  public Optional<Webhook> webhook(NamespacedReference ref) {
    return webhooks.webhookCache().get(new ResourceID(ref.getName(), ref.getNamespace()));
  }

  @Override
  public List<Secret> secrets(Webhook webhook) {
    List<Secret> secrets = new ArrayList<>();
    for (SecretKeyReference ref : webhook.getSpec().secretReferences()) {
      secrets.add(
          webhooks
              .secretCache()
              .get(new ResourceID(ref.getName(), webhook.getMetadata().getNamespace()))
              .orElse(null));
    }
    return secrets;
  }

  @Override
  public Set<String> mailboxUids() {
    return uids(mailboxes.mailboxCache().list());
  }

  @Override
  public Set<String> ruleUids() {
    return uids(rules.ruleCache().list());
  }

  @Override
  public List<Webhook> webhooks() {
    return webhooks.webhookCache().list().toList();
  }

  @Override
  public Set<String> webhookUids() {
    return uids(webhooks.webhookCache().list());
  }

  private static Set<String> uids(Stream<? extends HasMetadata> objects) {
    return objects.map(object -> object.getMetadata().getUid()).collect(Collectors.toSet());
  }
}
