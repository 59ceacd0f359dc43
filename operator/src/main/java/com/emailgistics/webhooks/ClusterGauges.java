package com.emailgistics.webhooks;

import com.emailgistics.webhooks.api.ConditionedStatus;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.reconciler.ConditionSet;
import com.emailgistics.webhooks.reconciler.mailbox.MailboxReconciler;
import com.emailgistics.webhooks.reconciler.rule.MailboxRuleReconciler;
import com.emailgistics.webhooks.reconciler.webhook.WebhookReconciler;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Gauges read from the informer caches at scrape time: the objects each replica holds, those not
 * Ready, and the Webhooks whose last test delivery failed. Counting at scrape time keeps them exact
 * without a hook in every reconciler; a scrape of 100,000 cached rules costs a few milliseconds.
 */
final class ClusterGauges {
  private ClusterGauges() {}

  static void register(
      MeterRegistry metrics,
      WebhookReconciler webhooks,
      MailboxReconciler mailboxes,
      MailboxRuleReconciler rules) {
    resources(metrics, "Webhook", webhooks::webhookCache);
    resources(metrics, "Mailbox", mailboxes::mailboxCache);
    resources(metrics, "MailboxRule", rules::ruleCache);
    cachedObjects(metrics, "Secret", webhooks::secretCache);
    Gauge.builder(
            "emailgistics_webhooks_test_failed",
            webhooks,
            reconciler -> count(reconciler.webhookCache(), ClusterGauges::testFailed))
        .description(
            "Webhooks whose TestSucceeded condition is False: their last test delivery failed")
        .register(metrics);
  }

  /** The objects of one of our kinds, and those of them not Ready. */
  private static <T extends CustomResource<?, ? extends ConditionedStatus>> void resources(
      MeterRegistry metrics, String kind, Supplier<? extends Cache<T>> cache) {
    cachedObjects(metrics, kind, cache);
    Gauge.builder(
            "emailgistics_objects_not_ready", cache, c -> count(c.get(), ClusterGauges::notReady))
        .description(
            "Cached objects whose Ready condition is not True (not yet reconciled, or a problem"
                + " their conditions name), by kind")
        .tag("kind", kind)
        .strongReference(true)
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
    return hasCondition(webhook, WebhookReconciler.TEST_SUCCEEDED, ConditionSet.FALSE);
  }

  private static boolean notReady(CustomResource<?, ? extends ConditionedStatus> resource) {
    return !hasCondition(resource, ConditionSet.READY, ConditionSet.TRUE);
  }

  private static boolean hasCondition(
      CustomResource<?, ? extends ConditionedStatus> resource, String type, String status) {
    return resource.getStatus() != null
        && resource.getStatus().getConditions().stream()
            .anyMatch(
                condition ->
                    type.equals(condition.getType()) && status.equals(condition.getStatus()));
  }
}
