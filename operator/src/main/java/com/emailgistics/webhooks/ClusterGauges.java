package com.emailgistics.webhooks;

import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.reconciler.ConditionSet;
import com.emailgistics.webhooks.reconciler.mailbox.MailboxReconciler;
import com.emailgistics.webhooks.reconciler.rule.MailboxRuleReconciler;
import com.emailgistics.webhooks.reconciler.webhook.WebhookReconciler;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Gauges read from the informer caches at scrape time: the objects each replica holds, and the
 * Webhooks whose last test delivery failed. Counting at scrape time keeps them exact without a hook
 * in every reconciler; a scrape of 100,000 cached rules costs a few milliseconds.
 */
final class ClusterGauges {
  private ClusterGauges() {}

  static void register(
      MeterRegistry metrics,
      WebhookReconciler webhooks,
      MailboxReconciler mailboxes,
      MailboxRuleReconciler rules) {
    cachedObjects(metrics, "Webhook", webhooks::webhookCache);
    cachedObjects(metrics, "Mailbox", mailboxes::mailboxCache);
    cachedObjects(metrics, "MailboxRule", rules::ruleCache);
    Gauge.builder(
            "emailgistics_webhooks_test_failed",
            webhooks,
            reconciler -> count(reconciler.webhookCache(), ClusterGauges::testFailed))
        .description(
            "Webhooks whose TestSucceeded condition is False: their last test delivery failed")
        .register(metrics);
  }

  private static <T> void cachedObjects(
      MeterRegistry metrics, String kind, Supplier<? extends Cache<T>> cache) {
    Gauge.builder("emailgistics_cached_objects", cache, c -> count(c.get(), any -> true))
        .description("Objects in this replica's informer caches, by kind")
        .tag("kind", kind)
        // Micrometer holds a gauge's object weakly; nothing else holds this supplier.
        .strongReference(true)
        .register(metrics);
  }

  /** Zero until the operator has started and the cache exists. */
  private static <T> double count(Cache<T> cache, Predicate<? super T> which) {
    return cache == null ? 0 : cache.list().filter(which).count();
  }

  private static boolean testFailed(Webhook webhook) {
    return webhook.getStatus() != null
        && webhook.getStatus().getConditions().stream()
            .anyMatch(
                condition ->
                    WebhookReconciler.TEST_SUCCEEDED.equals(condition.getType())
                        && ConditionSet.FALSE.equals(condition.getStatus()));
  }
}
