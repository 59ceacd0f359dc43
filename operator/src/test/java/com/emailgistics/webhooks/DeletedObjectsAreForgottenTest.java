package com.emailgistics.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.testing.DispatchClient;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nothing of a deleted object stays behind: 1,000 Webhooks, each with its own token Secret and CA
 * bundle, tested, used by a rule to deliver a message, then deleted with everything that refers to
 * them, leave the live heap and thread count within 5% of where they were before. "Before" is after
 * a first round of the same size, so that what the first round pays once (loaded classes, compiled
 * code, buffer pools and thread pools grown to the peak) is in both figures. What remains is about
 * 1 MiB of JOSDK tombstones (the uid of each deleted object, kept 20 minutes to ignore late
 * events), which JOSDK drops once they are older.
 */
class DeletedObjectsAreForgottenTest {
  private static final Logger LOG = LoggerFactory.getLogger(DeletedObjectsAreForgottenTest.class);
  private static final String ADMIN = "admin";
  private static final String TEAM = "team";
  private static final Duration ROUND = Duration.ofMinutes(5);
  private static MockApiServer.Running apiServer;
  private static KubernetesClient client;

  @Test
  void aThousandWebhooksCreatedUsedAndDeletedLeaveHeapAndThreadsWhereTheyWere() throws Exception {
    apiServer = MockApiServer.start();
    client = apiServer.client();
    try (MockApiServer.Running closed = apiServer;
        OperatorFixture operator =
            new OperatorFixture(client, OperatorConfig.defaults().withWebhooksEnabled(true))) {
      client.resource(Resources.mailbox(TEAM, "claims")).create();
      DispatchClient dispatch = new DispatchClient(operator.dispatchUrl());

      round("warm", 1000, operator, dispatch);
      Footprint before = Footprint.measure();
      long start = System.nanoTime();
      round("hook", 1000, operator, dispatch);
      Footprint after = Footprint.measure();
      LOG.info(
          "1,000 Webhooks created, tested, used and deleted in {} s: live heap {} -> {} KiB,"
              + " threads {} -> {}",
          (System.nanoTime() - start) / 1_000_000_000,
          before.heapBytes() / 1024,
          after.heapBytes() / 1024,
          before.threads(),
          after.threads());

      assertThat(after.heapBytes())
          .as("live heap")
          .isLessThanOrEqualTo(before.heapBytes() * 105 / 100);
      assertThat(after.threads())
          .as("threads (new: %s)", after.newThreadsSince(before))
          .isLessThanOrEqualTo(before.threads() * 105 / 100);
    }
  }

  /**
   * Creates {@code count} Webhooks and rules, tests and uses each, then deletes them all. Each
   * round has an endpoint of its own, closed at its end, since the test's servers keep what they
   * received.
   */
  private static void round(
      String prefix, int count, OperatorFixture operator, DispatchClient dispatch)
      throws Exception {
    try (HttpsEndpoint endpoint = new HttpsEndpoint()) {
      createUseAndDelete(prefix, count, endpoint, operator, dispatch);
    }
    apiServer.forgetRequests();
  }

  private static void createUseAndDelete(
      String prefix,
      int count,
      HttpsEndpoint endpoint,
      OperatorFixture operator,
      DispatchClient dispatch)
      throws Exception {
    List<String> names = IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    for (String name : names) {
      createWebhookAndRule(name, endpoint);
    }
    awaitAll(
        Webhook.class,
        ADMIN,
        count,
        webhook -> webhook.getStatus() == null ? null : webhook.getStatus().getConditions(),
        "TestSucceeded");
    awaitAll(
        MailboxRule.class,
        TEAM,
        count,
        rule -> rule.getStatus() == null ? null : rule.getStatus().getConditions(),
        "Ready");
    for (String name : names) {
      HttpResponse<String> answer =
          dispatch.post(
              "/v1/rules/" + TEAM + "/" + name + "/messages",
              DispatchClient.message(name + "-message", "claim", "pat@customer.example"));
      assertThat(DispatchClient.json(answer).at("/deliveries/0/outcome").asText())
          .as(answer.body())
          .isEqualTo("Succeeded");
    }
    assertThat(endpoint.requests())
        .extracting(request -> request.getUrl().encodedPath())
        .filteredOn(target -> target.startsWith("/" + prefix + "-"))
        .hasSize(2 * count);

    // What an administrator deletes, and what Kubernetes' garbage collector and Event expiry take
    // with it (the mock API server has neither).
    client.resources(MailboxRule.class).inNamespace(TEAM).delete();
    client.resources(Webhook.class).inNamespace(ADMIN).delete();
    client.secrets().inNamespace(ADMIN).delete();
    client.configMaps().inNamespace(ADMIN).delete();
    client.v1().events().inAnyNamespace().delete();
    await("the caches let go of every Webhook and rule")
        .atMost(ROUND)
        .until(
            () ->
                cachedObjects(operator, "Webhook") == 0
                    && cachedObjects(operator, "MailboxRule") == 0);
    operator.forgetDeleted();
  }

  private static void createWebhookAndRule(String name, HttpsEndpoint endpoint) {
    // Each Webhook trusts the endpoint's CA plus a CA of its own: a CA bundle no other has.
    String caBundle =
        endpoint.caPem() + new HeldCertificate.Builder().commonName(name).build().certificatePem();
    client.resource(Resources.secret(ADMIN, name + "-ca", Map.of("ca.crt", caBundle))).create();
    client
        .resource(Resources.secret(ADMIN, name + "-token", Map.of("token", name + "-T0ken!value")))
        .create();
    Webhook webhook =
        Resources.webhook(
            ADMIN,
            name,
            endpoint.url("/" + name),
            name + "-token",
            new NamespacedReference(TEAM, "claims"));
    webhook.getSpec().setCaBundleRef(new SecretKeyReference(name + "-ca", "ca.crt"));
    client.resource(webhook).create();
    client
        .resource(Resources.rule(TEAM, name, "claims", RuleAction.useWebhook(ADMIN, name)))
        .create();
  }

  private static <T extends HasMetadata> void awaitAll(
      Class<T> kind,
      String namespace,
      int count,
      Function<T, List<StatusCondition>> conditions,
      String type) {
    await(kind.getSimpleName() + "s all True")
        .atMost(ROUND)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                client.resources(kind).inNamespace(namespace).list().getItems().stream()
                    .map(conditions)
                    .filter(
                        all ->
                            all != null
                                && Resources.condition(all, type)
                                    .filter(c -> "True".equals(c.getStatus()))
                                    .isPresent())
                    .count(),
            done -> done == count);
  }

  private static long cachedObjects(OperatorFixture operator, String kind) throws Exception {
    return (long) operator.metric("emailgistics_cached_objects{kind=\"" + kind + "\"}");
  }

  /** Live heap after full collections (the least of five) and the JVM's thread count. */
  /**
   * The least live heap and the fewest live threads over a few seconds: a leak stays, while a pool
   * thread that is just finishing its work (the test's endpoints and clients) does not count.
   */
  private record Footprint(long heapBytes, int threads, List<String> threadNames) {
    static Footprint measure() throws InterruptedException {
      long least = Long.MAX_VALUE;
      List<String> fewest = null;
      for (int i = 0; i < 10; i++) {
        System.gc();
        Thread.sleep(300);
        least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        List<String> names =
            Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList();
        if (fewest == null || names.size() < fewest.size()) {
          fewest = names;
        }
      }
      return new Footprint(least, fewest.size(), fewest);
    }

    /** The threads live now that were not before, by name, for a failure's message. */
    List<String> newThreadsSince(Footprint before) {
      List<String> added = new ArrayList<>(threadNames);
      before.threadNames().forEach(added::remove);
      return added;
    }
  }
}
