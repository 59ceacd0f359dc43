package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.reconciler.webhook.ConfigurationProblem;
import com.emailgistics.webhooks.reconciler.webhook.ResolvedWebhook;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves each Webhook once per version of itself and of its Secrets (decoding the token and
 * parsing the CA bundle), like {@link CompiledRules} for rules; a rotated Secret has a new
 * resourceVersion and is resolved again on the next delivery.
 */
final class ResolvedWebhooks {
  private record Entry(String versions, ResolvedWebhook resolved, ConfigurationProblem problem) {}

  private final Map<String, Entry> byUid = new ConcurrentHashMap<>();

  ResolvedWebhook get(Webhook webhook, Map<String, Secret> secrets) throws ConfigurationProblem {
    String versions = webhook.getMetadata().getResourceVersion()
        + "/" + version(webhook.getSpec().getSecretRef(), secrets)
        + "/" + version(webhook.getSpec().getCaBundleRef(), secrets);
    Entry cached = byUid.get(webhook.getMetadata().getUid());
    if (cached == null || !cached.versions().equals(versions)) {
      try {
        cached = new Entry(versions, ResolvedWebhook.resolve(webhook, secrets), null);
      } catch (ConfigurationProblem problem) {
        cached = new Entry(versions, null, problem);
      }
      byUid.put(webhook.getMetadata().getUid(), cached);
    }
    if (cached.problem() != null) {
      throw cached.problem();
    }
    return cached.resolved();
  }

  private static String version(SecretKeyReference ref, Map<String, Secret> secrets) {
    if (ref == null) {
      return "-";
    }
    Secret secret = secrets.get(ref.getName());
    return secret == null ? "missing" : secret.getMetadata().getResourceVersion();
  }
}
