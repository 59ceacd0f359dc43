package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.DaemonThreads;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.delivery.DeliveryOutcome;
import com.emailgistics.webhooks.delivery.DeliveryResult;
import com.emailgistics.webhooks.kube.EventRecorder;
import com.emailgistics.webhooks.kube.References;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Makes deliveries visible, which the product does not (its customers cannot see transport
 * failures): the webhook's {@link DeliveryHistory}, Prometheus metrics, deduplicated Warning Events
 * on failures, and per-webhook summaries that {@link StatusSummaryWriter} puts into status.
 */
public final class DeliveryRecorder {
  static final Duration EVENT_WINDOW = Duration.ofMinutes(5);

  private final MeterRegistry metrics;
  private final EventRecorder events;
  private final Clock clock;
  private final Map<String, WebhookMeters> meters = new ConcurrentHashMap<>();
  private final DeliveryHistory history;
  private final String replica;
  private final WarningWindows warnings;
  private final Map<String, WebhookTally> tallies = new ConcurrentHashMap<>();

  /** Events are blocking API calls: they must not run on an event loop. */
  private final ExecutorService eventThread =
      Executors.newSingleThreadExecutor(DaemonThreads.named("delivery-events"));

  /**
   * @param replica this operator replica's name (its pod), which the history shows with each
   *     delivery
   */
  public DeliveryRecorder(
      MeterRegistry metrics,
      EventRecorder events,
      DeliveryHistory history,
      String replica,
      Clock clock) {
    this.metrics = metrics;
    this.events = events;
    this.history = history;
    this.replica = replica;
    this.clock = clock;
    this.warnings = new WarningWindows(EVENT_WINDOW, clock);
  }

  /** Counts and the last delivery of one webhook, for its status. */
  record WebhookTally(
      String namespace,
      String name,
      String uid,
      long succeeded,
      long failed,
      DeliveryRecord last) {}

  /** One webhook's meters, looked up once rather than for every delivery. */
  private record WebhookMeters(
      Map<DeliveryOutcome, Counter> deliveries, Counter attempts, Timer duration) {
    static WebhookMeters register(MeterRegistry metrics, String key) {
      Map<DeliveryOutcome, Counter> deliveries = new EnumMap<>(DeliveryOutcome.class);
      for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
        deliveries.put(
            outcome,
            Counter.builder("emailgistics_deliveries")
                .tag("webhook", key)
                .tag("outcome", outcome.name())
                .register(metrics));
      }
      return new WebhookMeters(
          deliveries,
          Counter.builder("emailgistics_delivery_attempts").tag("webhook", key).register(metrics),
          Timer.builder("emailgistics_delivery_duration")
              .tag("webhook", key)
              .publishPercentileHistogram()
              .register(metrics));
    }
  }

  void finished(Webhook webhook, String rule, String messageId, DeliveryResult result) {
    String key = References.key(webhook);
    String outcome = result.outcome().name();
    WebhookMeters meters =
        this.meters.computeIfAbsent(key, k -> WebhookMeters.register(metrics, k));
    meters.deliveries().get(result.outcome()).increment();
    meters.attempts().increment(result.attempts());
    meters.duration().record(result.durationMillis(), TimeUnit.MILLISECONDS);

    DeliveryRecord entry =
        new DeliveryRecord(
            Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString(),
            replica,
            DispatchService.shortened(messageId),
            rule,
            outcome,
            result.category() == null ? null : result.category().name(),
            result.attempts(),
            result.httpStatus(),
            result.message(),
            result.durationMillis());
    history.add(webhook, entry);
    boolean succeeded = result.outcome() == DeliveryOutcome.Succeeded;
    tallies.merge(
        key,
        new WebhookTally(
            webhook.getMetadata().getNamespace(),
            webhook.getMetadata().getName(),
            webhook.getMetadata().getUid(),
            succeeded ? 1 : 0,
            succeeded ? 0 : 1,
            entry),
        (old, add) ->
            new WebhookTally(
                add.namespace(),
                add.name(),
                add.uid(),
                old.succeeded() + add.succeeded(),
                old.failed() + add.failed(),
                add.last()));
    if (!succeeded) {
      warnDeduplicated(webhook, entry);
    }
  }

  Map<String, WebhookTally> tallies() {
    return Map.copyOf(tallies);
  }

  /** Drops what is kept about webhooks whose uid is not in {@code live}. */
  void retainWebhooks(Set<String> live) {
    tallies.values().stream()
        .filter(tally -> !live.contains(tally.uid()))
        .toList()
        .forEach(gone -> forget(gone.namespace(), gone.name()));
  }

  /** Drops what is kept about a webhook that no longer exists. */
  void forget(String namespace, String name) {
    String key = References.key(namespace, name);
    tallies.remove(key);
    history.forget(namespace, name);
    WebhookMeters gone = meters.remove(key);
    if (gone != null) {
      gone.deliveries().values().forEach(metrics::remove);
      metrics.remove(gone.attempts());
      metrics.remove(gone.duration());
    }
  }

  /** One Warning Event per webhook and failure kind per window (WarningWindows). */
  private void warnDeduplicated(Webhook webhook, DeliveryRecord entry) {
    String key = webhook.getMetadata().getUid() + "/" + entry.outcome() + "/" + entry.category();
    warnings
        .admit(key)
        .ifPresent(
            previouslySuppressed -> {
              String repeats =
                  previouslySuppressed > 0
                      ? " ("
                          + previouslySuppressed
                          + " similar failures were not reported in the previous window)"
                      : "";
              String message =
                  "Delivery of message "
                      + entry.messageId()
                      + " for rule "
                      + entry.rule()
                      + ": "
                      + entry.message()
                      + repeats;
              eventThread.execute(
                  () ->
                      events.record(
                          webhook, EventRecorder.WARNING, "Delivery" + entry.outcome(), message));
            });
  }
}
