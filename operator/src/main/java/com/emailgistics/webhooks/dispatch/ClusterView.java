package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.reconciler.References;
import com.emailgistics.webhooks.reconciler.mailbox.MailboxReconciler;
import com.emailgistics.webhooks.reconciler.rule.MailboxRuleReconciler;
import com.emailgistics.webhooks.reconciler.webhook.WebhookReconciler;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Read-only access to the reconcilers' informer caches. Every replica keeps these caches warm,
 * leader or not, so every replica can serve dispatch without calling the API server.
 */
public final class ClusterView {
  private final WebhookReconciler webhooks;
  private final MailboxReconciler mailboxes;
  private final MailboxRuleReconciler rules;

  public ClusterView(WebhookReconciler webhooks, MailboxReconciler mailboxes, MailboxRuleReconciler rules) {
    this.webhooks = webhooks;
    this.mailboxes = mailboxes;
    this.rules = rules;
  }

  public List<Mailbox> mailboxesWithAddress(String address) {
    return mailboxes.mailboxCache().byIndex(MailboxReconciler.ADDRESS_INDEX, MailboxReconciler.addressKey(address));
  }

  public List<MailboxRule> rulesOf(Mailbox mailbox) {
    return rules.ruleCache().byIndex(MailboxRuleReconciler.MAILBOX_INDEX, References.key(mailbox));
  }

  public Optional<MailboxRule> rule(String namespace, String name) {
    return rules.ruleCache().get(new ResourceID(name, namespace));
  }

  public Optional<Mailbox> mailbox(String namespace, String name) {
    return mailboxes.mailboxCache().get(new ResourceID(name, namespace));
  }

  public Optional<Webhook> webhook(NamespacedReference ref) {
    return webhooks.webhookCache().get(new ResourceID(ref.getName(), ref.getNamespace()));
  }

  /** The Secrets a Webhook references, by name, as the informer holds them right now. */
  public Map<String, Secret> secretsOf(Webhook webhook) {
    String namespace = webhook.getMetadata().getNamespace();
    Map<String, Secret> secrets = new HashMap<>();
    Stream.of(webhook.getSpec().getSecretRef(), webhook.getSpec().getCaBundleRef())
        .filter(Objects::nonNull)
        .map(SecretKeyReference::getName)
        .forEach(name -> webhooks.secretCache().get(new ResourceID(name, namespace))
            .ifPresent(secret -> secrets.put(name, secret)));
    return secrets;
  }
}
