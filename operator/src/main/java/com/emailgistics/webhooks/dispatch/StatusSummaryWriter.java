package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.DaemonThreads;
import com.emailgistics.webhooks.api.DeliverySummary;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.Webhook;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what the dispatch side observed into status, at most once per period and only what
 * changed: each webhook's delivery tally (Webhook status.deliveries) and each rule's problems
 * (MailboxRule status.problems). Busy webhooks and failing rules cost one small merge patch every
 * few seconds, not one per message. The reconcilers own the rest of those statuses.
 */
public final class StatusSummaryWriter implements AutoCloseable {
  public static final Duration PERIOD = Duration.ofSeconds(5);

  /** The owner of these fields in managedFields; the reconcilers own the rest of the status. */
  public static final String FIELD_MANAGER = "emailgistics-dispatch";

  private static final Logger LOG = LoggerFactory.getLogger(StatusSummaryWriter.class);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final DeliveryRecorder recorder;
  private final RuleProblemLog problems;
  private final String replica;
  private final Map<String, DeliveryRecorder.WebhookTally> writtenTallies = new HashMap<>();
  private final Map<String, Long> writtenProblems = new HashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("status-summaries"));

  public StatusSummaryWriter(
      KubernetesClient client, DeliveryRecorder recorder, RuleProblemLog problems, String replica) {
    this.client = client;
    this.recorder = recorder;
    this.problems = problems;
    this.replica = replica;
  }

  public void start() {
    scheduler.scheduleWithFixedDelay(
        this::writeChanged, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  void writeChanged() {
    Map<String, DeliveryRecorder.WebhookTally> tallies = recorder.tallies();
    // What was written about webhooks and rules that are gone is forgotten with them.
    writtenTallies.keySet().retainAll(tallies.keySet());
    writtenProblems.keySet().retainAll(problems.ruleUids());
    tallies.forEach(
        (key, tally) -> {
          if (Objects.equals(writtenTallies.get(key), tally)) {
            return;
          }
          switch (patch(
              Webhook.class, tally.namespace(), tally.name(), "deliveries", summary(tally))) {
            case WRITTEN -> writtenTallies.put(key, tally);
            case GONE -> {
              recorder.forget(tally.namespace(), tally.name());
              writtenTallies.remove(key);
            }
            case FAILED -> {}
          }
        });
    for (RuleProblemLog.Snapshot snapshot : problems.changedSince(writtenProblems)) {
      snapshot.problems().setReportedBy(replica);
      switch (patch(
          MailboxRule.class,
          snapshot.namespace(),
          snapshot.name(),
          "problems",
          snapshot.problems())) {
        case WRITTEN -> writtenProblems.put(snapshot.uid(), snapshot.version());
        case GONE -> {
          problems.forget(snapshot.uid());
          writtenProblems.remove(snapshot.uid());
        }
        case FAILED -> {}
      }
    }
  }

  private DeliverySummary summary(DeliveryRecorder.WebhookTally tally) {
    DeliverySummary summary = new DeliverySummary();
    summary.setSucceeded(tally.succeeded());
    summary.setFailed(tally.failed());
    summary.setLastTime(tally.last().time());
    summary.setLastOutcome(tally.last().outcome());
    summary.setLastMessage(tally.last().message());
    summary.setReportedBy(replica);
    return summary;
  }

  private enum Written {
    WRITTEN,
    /** The object no longer exists: what was kept about it is forgotten. */
    GONE,
    /** Logged; tried again next period. */
    FAILED
  }

  /** Merge-patches one status field. */
  private Written patch(
      Class<? extends HasMetadata> kind,
      String namespace,
      String name,
      String field,
      Object value) {
    try {
      client
          .resources(kind)
          .inNamespace(namespace)
          .withName(name)
          .subresource("status")
          .patch(
              new PatchContext.Builder()
                  .withPatchType(PatchType.JSON_MERGE)
                  .withFieldManager(FIELD_MANAGER)
                  .build(),
              JSON.asJson(Map.of("status", Map.of(field, value))));
      return Written.WRITTEN;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Written.GONE;
      }
      LOG.warn(
          "Could not write status.{} of {} {}/{}: {}",
          field,
          kind.getSimpleName(),
          namespace,
          name,
          e.getMessage());
      return Written.FAILED;
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
