package com.emailgistics.webhooks.kube;

import com.emailgistics.webhooks.DaemonThreads;
import com.emailgistics.webhooks.Digests;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.dispatch.DeliveryHistory;
import com.emailgistics.webhooks.dispatch.DeliveryRecord;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery history in the cluster: one ConfigMap per Webhook ({@link #configMapName}), in the
 * Webhook's namespace and owned by it, holding its newest {@link DeliveryHistory#SIZE} deliveries
 * from every replica. Each replica buffers what it delivered and merges it in every {@link #PERIOD}
 * and before it answers a read, with an update that fails on a concurrent change and is then
 * retried on the new version: replicas never overwrite each other's records, every replica reads
 * the same list, and a restart loses only what was delivered in its last period (nothing on a
 * graceful one, which {@link #flush}es). The periodic writes are paced at {@link
 * #WRITES_PER_SECOND}, so that a thousand busy webhooks cost the API server a bounded rate, at the
 * price of a longer period.
 */
public final class ClusterDeliveryHistory implements DeliveryHistory, AutoCloseable {
  public static final Duration PERIOD = Duration.ofSeconds(5);
  static final int WRITES_PER_SECOND = 20;
  static final String DATA_KEY = "deliveries.json";
  static final String LABEL = "webhooks.emailgistics.com/delivery-history";
  static final String SUFFIX = ".deliveries";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterDeliveryHistory.class);
  private static final int MAX_NAME = 253;
  private static final int UPDATE_ATTEMPTS = 5;
  private static final int READS_WAITING = 100;
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final TypeReference<List<DeliveryRecord>> RECORDS = new TypeReference<>() {};

  private final KubernetesClient client;
  private final Map<String, Unwritten> unwritten = new ConcurrentHashMap<>();
  private final ScheduledExecutorService writer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("delivery-history"));
  private final ThreadPoolExecutor readers =
      new ThreadPoolExecutor(
          2,
          2,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(READS_WAITING),
          DaemonThreads.named("delivery-history-read"));

  public ClusterDeliveryHistory(KubernetesClient client) {
    this.client = client;
  }

  public void start() {
    writer.scheduleWithFixedDelay(
        this::writePaced, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The ConfigMap of a Webhook's history: {@code <webhook>.deliveries}, or for a name too long for
   * that, its first 200 characters and a digest of the whole name.
   */
  public static String configMapName(String webhook) {
    if (webhook.length() + SUFFIX.length() <= MAX_NAME) {
      return webhook + SUFFIX;
    }
    return webhook.substring(0, 200)
        + "-"
        + HexFormat.of().formatHex(Digests.sha256(webhook), 0, 8)
        + SUFFIX;
  }

  @Override
  public void add(Webhook webhook, DeliveryRecord record) {
    String namespace = webhook.getMetadata().getNamespace();
    String name = webhook.getMetadata().getName();
    unwritten
        .computeIfAbsent(References.key(namespace, name), key -> new Unwritten(namespace, name))
        .add(webhook.getMetadata().getUid(), record);
  }

  @Override
  public CompletionStage<List<DeliveryRecord>> recent(String namespace, String name) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            Unwritten own = unwritten.get(References.key(namespace, name));
            if (own != null) {
              write(own);
            }
            return read(namespace, name);
          },
          readers);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new HistoryUnavailable(READS_WAITING + " history reads are already waiting"));
    }
  }

  @Override
  public void forget(String namespace, String name) {
    unwritten.remove(References.key(namespace, name));
  }

  /** Writes everything this replica has not written yet, at once (after a drain). */
  public void flush() {
    unwritten.values().forEach(this::writeLogged);
  }

  private void writePaced() {
    long pauseNanos = TimeUnit.SECONDS.toNanos(1) / WRITES_PER_SECOND;
    for (Unwritten pending : unwritten.values()) {
      if (writeLogged(pending)) {
        LockSupport.parkNanos(pauseNanos);
      }
    }
  }

  /** Whether the API server was called. */
  private boolean writeLogged(Unwritten pending) {
    try {
      return write(pending);
    } catch (RuntimeException e) {
      LOG.warn("Writing the delivery history of {} failed", pending, e);
      return true;
    }
  }

  private List<DeliveryRecord> read(String namespace, String name) {
    try {
      ConfigMap stored = configMap(namespace, name).get();
      return stored == null || !isHistory(stored) ? List.of() : records(stored);
    } catch (KubernetesClientException e) {
      throw new HistoryUnavailable(
          "the delivery history could not be read: the API server answered " + e.getCode());
    }
  }

  /** Whether there was something to write. */
  private boolean write(Unwritten pending) {
    synchronized (pending) {
      List<DeliveryRecord> records = pending.take();
      if (records.isEmpty()) {
        return false;
      }
      try {
        store(pending, records);
        pending.failing = false;
      } catch (KubernetesClientException e) {
        pending.giveBack(records);
        if (!pending.failing) {
          LOG.warn(
              "Could not write the delivery history of {} (kept and tried again every {} s): HTTP {}"
                  + " {}",
              pending,
              PERIOD.toSeconds(),
              e.getCode(),
              e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
        }
        pending.failing = true;
      }
      return true;
    }
  }

  /** Merges {@code records} into the stored history, retrying when another replica wrote first. */
  private void store(Unwritten pending, List<DeliveryRecord> records) {
    Resource<ConfigMap> resource = configMap(pending.namespace, pending.name);
    for (int attempt = 1; ; attempt++) {
      ConfigMap stored = resource.get();
      try {
        if (stored == null) {
          resource.create(historyConfigMap(pending, records));
        } else if (isHistory(stored)) {
          stored.setData(
              Map.of(DATA_KEY, json(DeliveryHistory.merge(records, records(stored), SIZE))));
          stored.getMetadata().setOwnerReferences(List.of(owner(pending)));
          client.resource(stored).update();
        } else {
          LOG.warn(
              "ConfigMap {}/{} is not labelled {}: the delivery history of {} is not written there",
              pending.namespace,
              stored.getMetadata().getName(),
              LABEL,
              pending);
        }
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == UPDATE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private Resource<ConfigMap> configMap(String namespace, String webhook) {
    return client.configMaps().inNamespace(namespace).withName(configMapName(webhook));
  }

  private static ConfigMap historyConfigMap(Unwritten pending, List<DeliveryRecord> records) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(configMapName(pending.name))
        .withNamespace(pending.namespace)
        .addToLabels(LABEL, "true")
        .addToLabels("app.kubernetes.io/managed-by", "emailgistics-operator")
        .withOwnerReferences(owner(pending))
        .endMetadata()
        .withData(Map.of(DATA_KEY, json(DeliveryHistory.merge(records, List.of(), SIZE))))
        .build();
  }

  /** The Webhook owns its history, which Kubernetes deletes with it. */
  private static OwnerReference owner(Unwritten pending) {
    return new OwnerReferenceBuilder()
        .withApiVersion(new Webhook().getApiVersion())
        .withKind(new Webhook().getKind())
        .withName(pending.name)
        .withUid(pending.uid)
        .build();
  }

  private static boolean isHistory(ConfigMap configMap) {
    Map<String, String> labels = configMap.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(LABEL));
  }

  /** The stored records that are well-formed: the ConfigMap can be edited by hand. */
  private static List<DeliveryRecord> records(ConfigMap stored) {
    String json = stored.getData() == null ? null : stored.getData().get(DATA_KEY);
    if (json == null) {
      return List.of();
    }
    try {
      return JSON.readValue(json, RECORDS).stream()
          .filter(record -> record != null && hasTime(record))
          .limit(SIZE)
          .toList();
    } catch (JsonProcessingException e) {
      LOG.warn(
          "ConfigMap {}/{} holds no readable history ({}); it is rewritten with the next delivery",
          stored.getMetadata().getNamespace(),
          stored.getMetadata().getName(),
          e.getOriginalMessage());
      return List.of();
    }
  }

  private static boolean hasTime(DeliveryRecord record) {
    try {
      return record.time() != null && Instant.parse(record.time()) != null;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String json(List<DeliveryRecord> records) {
    try {
      return JSON.writeValueAsString(records);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("delivery records always serialize", e);
    }
  }

  @Override
  public void close() {
    writer.shutdownNow();
    readers.shutdownNow();
  }

  /**
   * What this replica delivered to one webhook and has not written yet: at most {@link #SIZE}, the
   * newest, since older ones would not survive the merge.
   */
  private static final class Unwritten {
    final String namespace;
    final String name;
    volatile String uid;
    private final Deque<DeliveryRecord> records = new ArrayDeque<>();

    /** Whether the last write failed (logged once until one succeeds); guarded by this. */
    boolean failing;

    Unwritten(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }

    void add(String uid, DeliveryRecord record) {
      this.uid = uid;
      synchronized (records) {
        records.addFirst(record);
        if (records.size() > SIZE) {
          records.removeLast();
        }
      }
    }

    List<DeliveryRecord> take() {
      synchronized (records) {
        List<DeliveryRecord> taken = List.copyOf(records);
        records.clear();
        return taken;
      }
    }

    /** Puts back records whose write failed, behind any that arrived meanwhile. */
    void giveBack(List<DeliveryRecord> failed) {
      synchronized (records) {
        for (DeliveryRecord record : failed) {
          if (records.size() >= SIZE) {
            return;
          }
          records.addLast(record);
        }
      }
    }

    @Override
    public String toString() {
      return "Webhook " + namespace + "/" + name;
    }
  }
}
