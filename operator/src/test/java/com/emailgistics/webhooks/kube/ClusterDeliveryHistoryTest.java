package com.emailgistics.webhooks.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.dispatch.DeliveryHistory;
import com.emailgistics.webhooks.dispatch.DeliveryRecord;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The history two replicas share through the (CRUD mock) API server, which refuses an update of a
 * ConfigMap that changed since it was read, as the real one does.
 */
@ExtendWith(MockApiServer.class)
class ClusterDeliveryHistoryTest {
  private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");
  static KubernetesClient client;

  private final List<ClusterDeliveryHistory> replicas = new ArrayList<>();
  private Webhook webhook;

  @BeforeEach
  void createWebhook() {
    client.configMaps().inNamespace("admin").delete();
    client.resources(Webhook.class).inNamespace("admin").delete();
    webhook =
        client.resource(Resources.webhook("admin", "crm", "https://crm.example/hook")).create();
  }

  @AfterEach
  void closeReplicas() {
    replicas.forEach(ClusterDeliveryHistory::close);
  }

  @Test
  void everyReplicaReadsTheDeliveriesOfAllReplicasNewestFirst() {
    ClusterDeliveryHistory a = replica();
    ClusterDeliveryHistory b = replica();
    a.add(webhook, record("a", 1));
    b.add(webhook, record("b", 2));
    a.add(webhook, record("a", 3));
    a.flush();
    b.flush();

    List<String> expected = List.of("m-3", "m-2", "m-1");
    assertThat(messageIds(a)).isEqualTo(expected);
    assertThat(messageIds(b)).isEqualTo(expected);
    assertThat(replica().recent("admin", "crm").toCompletableFuture().join())
        .as("a replica started later")
        .extracting(DeliveryRecord::replica)
        .containsExactly("a", "b", "a");

    ConfigMap stored = client.configMaps().inNamespace("admin").withName("crm.deliveries").get();
    assertThat(stored.getMetadata().getLabels())
        .containsEntry("webhooks.emailgistics.com/delivery-history", "true");
    assertThat(stored.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("Webhook");
              assertThat(owner.getUid()).isEqualTo(webhook.getMetadata().getUid());
            });
  }

  @Test
  void aReadFirstWritesWhatThisReplicaDeliveredSinceItsLastWrite() {
    ClusterDeliveryHistory a = replica();
    a.add(webhook, record("a", 1));

    assertThat(messageIds(a)).containsExactly("m-1");
    assertThat(messageIds(replica())).containsExactly("m-1");
  }

  /** Without the API server's conflict check and a retry on the new version, writes are lost. */
  @Test
  void replicasWritingAtTheSameTimeLoseNoDelivery() {
    ClusterDeliveryHistory a = replica();
    ClusterDeliveryHistory b = replica();
    CompletableFuture<Void> fromA = CompletableFuture.runAsync(() -> deliverAndFlush(a, "a", 0));
    CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> deliverAndFlush(b, "b", 1));
    CompletableFuture.allOf(fromA, fromB).join();

    assertThat(messageIds(a))
        .hasSize(40)
        .isEqualTo(IntStream.range(0, 40).map(i -> 39 - i).mapToObj(i -> "m-" + i).toList());
  }

  private static void deliverAndFlush(ClusterDeliveryHistory replica, String name, int parity) {
    for (int i = parity; i < 40; i += 2) {
      replica.add(webhookRef(), record(name, i));
      replica.flush();
    }
  }

  private static Webhook webhookRef() {
    return client.resources(Webhook.class).inNamespace("admin").withName("crm").get();
  }

  @Test
  void keepsTheNewestFiftyDeliveries() {
    ClusterDeliveryHistory a = replica();
    for (int i = 0; i < 60; i++) {
      a.add(webhook, record("a", i));
      if (i % 7 == 0) {
        a.flush();
      }
    }
    assertThat(messageIds(a))
        .hasSize(DeliveryHistory.SIZE)
        .startsWith("m-59", "m-58")
        .endsWith("m-10");
  }

  @Test
  void leavesAConfigMapOfTheSameNameThatIsNotAHistoryAlone() {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("crm.deliveries")
                .withNamespace("admin")
                .endMetadata()
                .withData(Map.of("someone", "else's"))
                .build())
        .create();
    ClusterDeliveryHistory a = replica();
    a.add(webhook, record("a", 1));
    a.flush();

    assertThat(messageIds(a)).isEmpty();
    assertThat(client.configMaps().inNamespace("admin").withName("crm.deliveries").get().getData())
        .containsExactly(Map.entry("someone", "else's"));
  }

  @Test
  void aHistoryEditedIntoNonsenseIsReadAsEmptyAndRewrittenByTheNextDelivery() {
    ClusterDeliveryHistory a = replica();
    a.add(webhook, record("a", 1));
    a.flush();
    ConfigMap stored = client.configMaps().inNamespace("admin").withName("crm.deliveries").get();
    stored.setData(Map.of("deliveries.json", "[{\"time\":\"yesterday\"}, 17"));
    client.resource(stored).update();

    assertThat(messageIds(a)).isEmpty();
    a.add(webhook, record("a", 2));
    assertThat(messageIds(a)).containsExactly("m-2");
  }

  @Test
  void namesTheConfigMapAfterTheWebhookWithinKubernetesLimits() {
    assertThat(ClusterDeliveryHistory.configMapName("crm")).isEqualTo("crm.deliveries");
    String longest = "a".repeat(253);
    String name = ClusterDeliveryHistory.configMapName(longest);
    assertThat(name).hasSizeLessThanOrEqualTo(253).endsWith(".deliveries");
    assertThat(ClusterDeliveryHistory.configMapName("a".repeat(252) + "b")).isNotEqualTo(name);
  }

  private ClusterDeliveryHistory replica() {
    ClusterDeliveryHistory replica = new ClusterDeliveryHistory(client);
    replicas.add(replica);
    return replica;
  }

  private static List<String> messageIds(ClusterDeliveryHistory replica) {
    return replica.recent("admin", "crm").toCompletableFuture().join().stream()
        .map(DeliveryRecord::messageId)
        .toList();
  }

  private static DeliveryRecord record(String replica, int second) {
    return new DeliveryRecord(
        START.plusSeconds(second).toString(),
        replica,
        "m-" + second,
        "team/enrich",
        "Succeeded",
        null,
        1,
        200,
        "ok",
        12);
  }
}
