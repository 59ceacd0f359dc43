package com.emailgistics.webhooks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.e2e.support.Await;
import com.emailgistics.webhooks.e2e.support.E2eCluster;
import com.emailgistics.webhooks.e2e.support.E2eClusterExtension;
import com.emailgistics.webhooks.e2e.support.OperatorProcess;
import com.emailgistics.webhooks.e2e.support.Scenario;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's runnable jar through the events of a pod's life that concern the data plane:
 * SIGTERM with deliveries in flight (each is answered), losing the leader lease (reconciliation
 * pauses, dispatch goes on, the lease is regained) and a start that cannot succeed (one line naming
 * the cause and the setting, nothing else).
 */
@ExtendWith(E2eClusterExtension.class)
class DataPlaneLifecycleE2ETest {
  private static final String TOKEN = "Lifecycle!t0ken-e2e-0001";
  private static final String DISPATCH_TOKEN = "Dispatch-t0ken!lifecycle";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int IN_FLIGHT = 100;

  @Test
  void sigtermAnswersEveryMessageInFlightBeforeTheProcessEnds(E2eCluster cluster, @TempDir Path dir)
      throws Exception {
    try (Scenario s = Scenario.create(cluster, "drain")) {
      Map<String, String> env = env(s, dir);
      env.put("EMAILGISTICS_DRAIN_SECONDS", "20");
      OperatorProcess operator = OperatorProcess.start(cluster, "pod-drain", env);
      s.createWebhook("crm", TOKEN, "claims");
      s.createMailbox("claims");
      s.createRule("enrich", "claims", "crm");
      s.awaitTestSucceeded("crm");
      s.awaitRuleReady("enrich");
      HttpsEndpoint receiver = s.receiver();
      receiver.respond(
          HttpsEndpoint.json(200, Scenario.Bodies.SUCCESS)
              .newBuilder()
              .headersDelay(3, TimeUnit.SECONDS)
              .build());

      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        answers.add(dispatch(operator, s.teamNs + "/enrich", "drain-" + i));
      }
      Await.until(
          "every message's delivery reached the endpoint",
          () ->
              receiver.requests().stream()
                  .filter(r -> r.getBody().utf8().contains("drain-"))
                  .count(),
          n -> n == IN_FLIGHT);
      operator.terminate();

      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/deliveries/0/outcome").asText())
            .isEqualTo("Succeeded");
      }
      assertThat(operator.awaitExit(Duration.ofSeconds(30)))
          .as("exit code after SIGTERM")
          .isEqualTo(143);
      assertThat(operator.log())
          .contains("Shutting down: draining dispatch for up to 20 s (" + IN_FLIGHT);
    }
  }

  @Test
  void losingTheLeasePausesReconciliationButNotDispatch(E2eCluster cluster, @TempDir Path dir)
      throws Exception {
    try (Scenario s = Scenario.create(cluster, "lease");
        OperatorProcess operator = OperatorProcess.start(cluster, "pod-a", env(s, dir))) {
      s.createWebhook("crm", TOKEN, "claims");
      s.createMailbox("claims");
      s.createRule("enrich", "claims", "crm");
      s.awaitTestSucceeded("crm");
      s.awaitRuleReady("enrich");
      Await.until("pod-a holds the lease", s::leaseHolder, "pod-a"::equals);

      // Another replica takes the lease and keeps renewing it.
      AtomicBoolean intruding = new AtomicBoolean(true);
      Thread intruder =
          new Thread(
              () -> {
                while (intruding.get()) {
                  takeLease(cluster, s, "pod-b");
                  sleep(2000);
                }
              },
              "intruder");
      intruder.start();
      try {
        Await.until(
            "pod-a stops leading", operator::log, log -> log.contains("pod-a lost the lease"));
        s.createRule("while-not-leading", "claims", "crm");
        Thread.sleep(5000);
        MailboxRule unreconciled =
            cluster
                .admin()
                .resources(MailboxRule.class)
                .inNamespace(s.teamNs)
                .withName("while-not-leading")
                .get();
        assertThat(unreconciled.getStatus()).as("no status while another replica leads").isNull();
        assertThat(operator.isAlive()).isTrue();
        assertThat(operator.probe("/readyz")).isEqualTo(200);
        HttpResponse<String> served =
            dispatch(operator, s.teamNs + "/enrich", "while-not-leading").get(30, TimeUnit.SECONDS);
        assertThat(JSON.readTree(served.body()).at("/deliveries/0/outcome").asText())
            .isEqualTo("Succeeded");
      } finally {
        intruding.set(false);
        intruder.join();
      }

      // The intruder's lease runs out; pod-a leads again and reconciles what it missed.
      s.awaitRuleReady("while-not-leading");
      assertThat(s.leaseHolder()).isEqualTo("pod-a");
      assertThat(operator.isAlive()).isTrue();
    }
  }

  @Test
  void aStartThatCannotSucceedSaysWhyInOneLine(E2eCluster cluster, @TempDir Path dir)
      throws Exception {
    Path token = Files.writeString(dir.resolve("token"), DISPATCH_TOKEN);
    try (ServerSocket busy = new ServerSocket(0)) {
      OperatorProcess portTaken =
          OperatorProcess.launch(
              cluster.kubeConfigFile(),
              "pod-x",
              Map.of(
                  "EMAILGISTICS_DISPATCH_PORT", Integer.toString(busy.getLocalPort()),
                  "EMAILGISTICS_DISPATCH_TOKEN_FILE", token.toString()));
      assertThat(portTaken.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(portTaken.log())
          .contains("Cannot start: port " + busy.getLocalPort() + " is already in use")
          .contains("choose another port with EMAILGISTICS_DISPATCH_PORT")
          .doesNotContain("\tat ");
    }

    OperatorProcess noToken =
        OperatorProcess.launch(
            cluster.kubeConfigFile(),
            "pod-y",
            Map.of("EMAILGISTICS_DISPATCH_TOKEN_FILE", dir.resolve("missing").toString()));
    assertThat(noToken.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(noToken.log())
        .contains(
            "Cannot start: the dispatch token file "
                + dir.resolve("missing")
                + " does not exist, cannot be read or is empty (EMAILGISTICS_DISPATCH_TOKEN_FILE)")
        .doesNotContain("\tat ");

    Path unreachable =
        Files.writeString(
            dir.resolve("kubeconfig"),
            cluster
                .kubeConfigYaml()
                .replaceAll(
                    "server: https://[^\\s]+",
                    "server: https://127.0.0.1:" + OperatorProcess.freePort()));
    OperatorProcess noApiServer =
        OperatorProcess.launch(
            unreachable, "pod-z", Map.of("EMAILGISTICS_DISPATCH_TOKEN_FILE", token.toString()));
    assertThat(noApiServer.awaitExit(Duration.ofSeconds(90))).isEqualTo(2);
    assertThat(noApiServer.log())
        .contains("Cannot start: cannot reach the Kubernetes API server at https://127.0.0.1:")
        .doesNotContain("\tat ");
  }

  private static Map<String, String> env(Scenario s, Path dir) throws Exception {
    Map<String, String> env = new HashMap<>(s.operatorEnv());
    env.put(
        "EMAILGISTICS_DISPATCH_TOKEN_FILE",
        Files.writeString(dir.resolve("dispatch-token"), DISPATCH_TOKEN).toString());
    return env;
  }

  private static CompletableFuture<HttpResponse<String>> dispatch(
      OperatorProcess operator, String rule, String id) {
    String message =
        """
        {"id":"%s","subject":"claim","from":{"emailAddress":{"address":"pat@customer.example"}}}"""
            .formatted(id);
    return HTTP.sendAsync(
        HttpRequest.newBuilder(
                URI.create(operator.dispatchUrl() + "/v1/rules/" + rule + "/messages"))
            .header("Authorization", "Bearer " + DISPATCH_TOKEN)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(message))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What another replica does when it wins the election: write itself into the Lease. */
  private static void takeLease(E2eCluster cluster, Scenario s, String identity) {
    try {
      Lease lease = s.lease();
      lease.getSpec().setHolderIdentity(identity);
      lease.getSpec().setRenewTime(ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS));
      lease.getSpec().setAcquireTime(ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS));
      lease.getMetadata().setManagedFields(null);
      cluster.admin().leases().inNamespace(s.leaseNs).resource(lease).update();
    } catch (RuntimeException conflict) {
      // pod-a renewed in between; the next round takes it
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
