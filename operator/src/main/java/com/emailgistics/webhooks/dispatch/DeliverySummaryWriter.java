package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.DaemonThreads;
import com.emailgistics.webhooks.api.DeliverySummary;
import com.emailgistics.webhooks.api.Webhook;
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
 * Copies each webhook's delivery tally into its status, at most once per period and only when it
 * changed, so busy webhooks cost one small merge patch every few seconds, not one per message.
 */
public final class DeliverySummaryWriter implements AutoCloseable {
  public static final Duration PERIOD = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(DeliverySummaryWriter.class);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final DeliveryRecorder recorder;
  private final String replica;
  private final Map<String, DeliveryRecorder.WebhookTally> written = new HashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("delivery-summary"));

  public DeliverySummaryWriter(KubernetesClient client, DeliveryRecorder recorder, String replica) {
    this.client = client;
    this.recorder = recorder;
    this.replica = replica;
  }

  public void start() {
    scheduler.scheduleWithFixedDelay(
        this::writeChanged, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  void writeChanged() {
    recorder
        .tallies()
        .forEach(
            (key, tally) -> {
              if (Objects.equals(written.get(key), tally)) {
                return;
              }
              try {
                patch(tally);
                written.put(key, tally);
              } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                  recorder.forget(key);
                  written.remove(key);
                } else {
                  LOG.warn(
                      "Could not write the delivery summary of Webhook {}: {}",
                      key,
                      e.getMessage());
                }
              }
            });
  }

  private void patch(DeliveryRecorder.WebhookTally tally) {
    DeliverySummary summary = new DeliverySummary();
    summary.setSucceeded(tally.succeeded());
    summary.setFailed(tally.failed());
    summary.setLastTime(tally.last().time());
    summary.setLastOutcome(tally.last().outcome());
    summary.setLastMessage(tally.last().message());
    summary.setReportedBy(replica);
    String patch = JSON.asJson(Map.of("status", Map.of("deliveries", summary)));
    client
        .resources(Webhook.class)
        .inNamespace(tally.namespace())
        .withName(tally.name())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
