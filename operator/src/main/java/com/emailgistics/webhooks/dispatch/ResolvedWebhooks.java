package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookSpec;
import com.emailgistics.webhooks.resolution.ConfigurationProblem;
import com.emailgistics.webhooks.resolution.ResolvedWebhook;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Resolves each Webhook once per version of itself and of its Secrets (decoding the token, parsing
 * the CA bundle, indexing the mailboxes it permits). The informer replaces an object when it
 * changes, so comparing the objects by identity tells whether anything changed; a rotated Secret is
 * a new object and is resolved again for the very next delivery.
 */
final class ResolvedWebhooks {
  /** A Webhook ready to deliver to, or the reason it cannot be. */
  record Target(
      Webhook webhook,
      ResolvedWebhook resolved,
      Set<String> permittedMailboxes,
      ConfigurationProblem problem) {
    /** {@code mailboxKey}: the Mailbox as {@code namespace/name}. */
    boolean permits(String mailboxKey) {
      return permittedMailboxes.contains(mailboxKey);
    }
  }

  private record Entry(Webhook webhook, List<Secret> secrets, Target target) {
    boolean isFor(Webhook current, List<Secret> referenced) {
      if (webhook != current || secrets.size() != referenced.size()) {
        return false;
      }
      for (int i = 0; i < secrets.size(); i++) {
        if (secrets.get(i) != referenced.get(i)) {
          return false;
        }
      }
      return true;
    }
  }

  private final Map<String, Entry> byUid = new ConcurrentHashMap<>();

  /**
   * {@code referenced} are the Secrets of {@link WebhookSpec#secretReferences()} as the informer
   * holds them, in that order (null where one does not exist).
   */
  Target get(Webhook webhook, List<Secret> referenced) {
    Entry cached = byUid.get(webhook.getMetadata().getUid());
    if (cached != null && cached.isFor(webhook, referenced)) {
      return cached.target();
    }
    Map<String, Secret> secrets = new HashMap<>();
    referenced.stream()
        .filter(Objects::nonNull)
        .forEach(secret -> secrets.put(secret.getMetadata().getName(), secret));
    Set<String> permitted =
        webhook.getSpec().getMailboxes().stream()
            .map(NamespacedReference::key)
            .collect(Collectors.toUnmodifiableSet());
    Target target;
    try {
      target = new Target(webhook, ResolvedWebhook.resolve(webhook, secrets), permitted, null);
    } catch (ConfigurationProblem problem) {
      target = new Target(webhook, null, permitted, problem);
    }
    byUid.put(webhook.getMetadata().getUid(), new Entry(webhook, referenced, target));
    return target;
  }

  /** Forgets Webhooks that no longer exist (and with them their decoded tokens). */
  void retainOnly(Set<String> webhookUids) {
    byUid.keySet().retainAll(webhookUids);
  }
}
