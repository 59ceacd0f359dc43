package com.emailgistics.webhooks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.e2e.support.Await;
import com.emailgistics.webhooks.e2e.support.E2eCluster;
import com.emailgistics.webhooks.e2e.support.E2eClusterExtension;
import com.emailgistics.webhooks.e2e.support.OperatorProcess;
import com.emailgistics.webhooks.e2e.support.Receiver;
import com.emailgistics.webhooks.e2e.support.Scenario;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Namespace;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver killed and restarted (etcd keeps its data) while a test delivery is in flight and
 * messages are being dispatched. The operator process rides it out: it stays ready and every
 * message posted during the outage is delivered from the caches, its informers reconnect, the
 * outcome of the in-flight test is recorded once the server is back, changes made afterwards are
 * reconciled, and no test delivery is repeated. Runs in its own JVM with its own API server (see
 * e2e/pom.xml).
 */
@ExtendWith(E2eClusterExtension.class)
@Tag("apiserver-restart")
class ApiServerRestartE2ETest {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServerRestartE2ETest.class);
  private static final String TOKEN = "Before-outage!t0ken-e2e";
  private static final String ROTATED = "After-outage!r0tated-t0ken";
  private static final String DISPATCH_TOKEN = "Dispatch-t0ken!outage-e2e";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * JOSDK's default renew deadline: a leader that cannot renew its Lease for this long stops
   * leading, and JOSDK then ends the process (in a cluster the kubelet restarts it).
   */
  private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);

  @Test
  void operatorRidesOutAnApiServerRestartDuringATestDelivery(E2eCluster cluster, @TempDir Path dir)
      throws Exception {
    Path dispatchToken = Files.writeString(dir.resolve("dispatch-token"), DISPATCH_TOKEN);
    try (Scenario s = Scenario.create(cluster, "outage");
        OperatorProcess operator =
            OperatorProcess.start(cluster, "pod-a", withDispatchToken(s, dispatchToken))) {
      s.createWebhook("crm", TOKEN, "claims");
      s.createWebhook("live", TOKEN, "claims");
      s.createMailbox("claims");
      s.createRule("enrich", "claims", "crm");
      s.createRule("route-live", "claims", "live");
      s.awaitTestSucceeded("crm");
      s.awaitTestSucceeded("live");
      s.awaitRuleReady("enrich");
      s.awaitRuleReady("route-live");
      s.awaitAvailableWebhooks("claims", 2);
      assertThat(s.tests("crm")).isEqualTo(1);
      var renewedBefore = s.lease().getSpec().getRenewTime();

      // A test delivery is in flight when the API server dies: the endpoint answers 1 s after the
      // request arrived, the server stays down 1.5 s before it is started again (and then needs a
      // few seconds to become ready), so the operator's status patch meets a dead server.
      HttpsEndpoint receiver = s.receiver();
      receiver.respond(
          HttpsEndpoint.json(200, Scenario.Bodies.SUCCESS)
              .newBuilder()
              .headersDelay(1, TimeUnit.SECONDS)
              .build());
      String requested = s.requestTest("crm");
      Await.until("test request arrived", () -> s.tests("crm"), n -> n == 2);
      long down = System.nanoTime();
      Duration ready;
      Duration outage;
      try (TrafficDuringOutage traffic =
          new TrafficDuringOutage(operator, s.teamNs + "/route-live")) {
        ProcessHandle restarted = cluster.server().killAndRestartApiServer(Duration.ofMillis(1500));
        ready = cluster.awaitApiServerReady(Duration.ofSeconds(60));
        outage = Duration.ofNanos(System.nanoTime() - down);
        LOG.info(
            "kube-apiserver down for {} ms (new pid {}, ready {} ms after start)",
            outage.toMillis(),
            restarted.pid(),
            ready.toMillis());
        traffic.stop();
        // Readiness is about serving dispatch, which the caches allow throughout.
        assertThat(traffic.readinessAnswers())
            .as("/readyz during the outage")
            .isNotEmpty()
            .containsOnly(200);
        assertThat(traffic.dispatchAnswers())
            .as("dispatch answers during the outage")
            .isNotEmpty()
            .containsOnly("200 Succeeded");
      }
      receiver.respond(200, Scenario.Bodies.SUCCESS);
      assertThat(outage)
          .as("outage must stay below the lease renew deadline for this scenario")
          .isLessThan(RENEW_DEADLINE);
      // The objects survived in etcd.
      Namespace admin = cluster.admin().namespaces().withName(s.adminNs).get();
      assertThat(admin).isNotNull();

      // The outcome of the test that was in flight is recorded after the restart, not run again.
      Webhook recorded =
          s.awaitLastTest(
              "crm",
              "the in-flight requested test recorded",
              t -> "Requested".equals(t.getTrigger()));
      assertThat(recorded.getStatus().getLastTest().getFingerprint())
          .contains("requested=" + requested);
      assertThat(recorded.getStatus().getLastTest().getOutcome()).isEqualTo("Succeeded");
      assertThat(s.tests("crm")).isEqualTo(2);

      // Informers reconnected: changes made after the restart are reconciled.
      s.rotate("crm", ROTATED);
      s.awaitLastTest(
          "crm", "rotation after the restart tested", t -> "SecretChanged".equals(t.getTrigger()));
      s.createWebhook("after-outage", TOKEN, "claims");
      s.awaitTestSucceeded("after-outage");
      s.awaitAvailableWebhooks("claims", 3);
      s.createRule("enrich-after", "claims", "after-outage");
      s.awaitRuleReady("enrich-after");

      // The same replica still leads (it never lost the lease) and keeps renewing it.
      assertThat(operator.isAlive())
          .as("operator process alive; log:\n%s", operator.logTail())
          .isTrue();
      assertThat(s.leaseHolder()).isEqualTo("pod-a");
      assertThat(s.lease().getSpec().getRenewTime()).isAfter(renewedBefore);
      assertThat(operator.probe("/readyz")).isEqualTo(200);

      Thread.sleep(2000);
      assertThat(Receiver.requests(receiver, Scenario.path("crm")))
          .extracting(Receiver::bearer)
          .as("initial, requested (in flight during the outage), rotation: nothing repeated")
          .containsExactly(TOKEN, TOKEN, ROTATED);
      assertThat(s.tests("after-outage")).isEqualTo(1);
    }
  }

  private static Map<String, String> withDispatchToken(Scenario s, Path tokenFile) {
    Map<String, String> env = new HashMap<>(s.operatorEnv());
    env.put("EMAILGISTICS_DISPATCH_TOKEN_FILE", tokenFile.toString());
    return env;
  }

  /**
   * Probes /readyz every 100 ms and posts messages for one rule one after the other, from creation
   * until {@link #stop()}, recording every answer.
   */
  private static final class TrafficDuringOutage implements AutoCloseable {
    private static final HttpClient HTTP =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Integer> readiness = new CopyOnWriteArrayList<>();
    private final List<String> dispatches = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread prober;
    private final Thread sender;

    TrafficDuringOutage(OperatorProcess operator, String rule) {
      prober =
          new Thread(
              () -> {
                while (running.get()) {
                  readiness.add(operator.probe("/readyz"));
                  sleep(100);
                }
              },
              "readiness-prober");
      sender =
          new Thread(
              () -> {
                for (int i = 0; running.get(); i++) {
                  dispatches.add(dispatch(operator, rule, "outage-" + i));
                }
              },
              "dispatcher");
      prober.start();
      sender.start();
    }

    private static String dispatch(OperatorProcess operator, String rule, String id) {
      String message =
          """
          {"id":"%s","subject":"claim","from":{"emailAddress":{"address":"pat@customer.example"}}}"""
              .formatted(id);
      try {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(operator.dispatchUrl() + "/v1/rules/" + rule + "/messages"))
                    .header("Authorization", "Bearer " + DISPATCH_TOKEN)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(message))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode outcome = JSON.readTree(response.body()).at("/deliveries/0/outcome");
        return response.statusCode()
            + " "
            + (outcome.isMissingNode() ? response.body() : outcome.asText());
      } catch (IOException e) {
        return "no answer: " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      prober.join();
      sender.join();
    }

    List<Integer> readinessAnswers() {
      return readiness;
    }

    List<String> dispatchAnswers() {
      return dispatches;
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
