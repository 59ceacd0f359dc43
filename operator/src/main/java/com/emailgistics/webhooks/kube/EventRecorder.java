package com.emailgistics.webhooks.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events about custom resources. Events are best effort: a failure to record one
 * is logged and never fails a reconciliation. Callers pass texts already free of secrets.
 */
public class EventRecorder {
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  static final String COMPONENT = "emailgistics-webhooks-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void record(HasMetadata object, String type, String reason, String message) {
    String timestamp = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    String namespace = object.getMetadata().getNamespace();
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      object.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
                  .withNamespace(namespace)
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(object.getApiVersion())
                  .withKind(object.getKind())
                  .withName(object.getMetadata().getName())
                  .withNamespace(namespace)
                  .withUid(object.getMetadata().getUid())
                  .withResourceVersion(object.getMetadata().getResourceVersion())
                  .endInvolvedObject()
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(timestamp)
                  .withLastTimestamp(timestamp)
                  .withCount(1)
                  .withNewSource(COMPONENT, null)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Could not record {} event {} for {}/{}: {}",
          type,
          reason,
          namespace,
          object.getMetadata().getName(),
          e.getMessage());
    }
  }
}
