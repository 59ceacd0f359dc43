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
import io.fabric8.kubernetes.api.model.Namespace;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver killed and restarted (etcd keeps its data) while a test delivery is in flight.
 * The operator process rides it out: its informers reconnect, the outcome of the in-flight test is
 * recorded once the server is back, changes made afterwards are reconciled, and no test delivery
 * is repeated. Runs in its own JVM with its own API server (see e2e/pom.xml).
 */
@ExtendWith(E2eClusterExtension.class)
@Tag("apiserver-restart")
class ApiServerRestartE2ETest {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServerRestartE2ETest.class);
  private static final String TOKEN = "Before-outage!t0ken-e2e";
  private static final String ROTATED = "After-outage!r0tated-t0ken";
  /**
   * JOSDK's default renew deadline: a leader that cannot renew its Lease for this long stops
   * leading, and JOSDK then ends the process (in a cluster the kubelet restarts it).
   */
  private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);

  @Test
  void operatorRidesOutAnApiServerRestartDuringATestDelivery(E2eCluster cluster) throws Exception {
    try (Scenario s = Scenario.create(cluster, "outage");
        OperatorProcess operator = OperatorProcess.start(cluster, "pod-a", s.operatorEnv())) {
      s.createWebhook("crm", TOKEN, "claims");
      s.createMailbox("claims");
      s.createRule("enrich", "claims", "crm");
      s.awaitTestSucceeded("crm");
      s.awaitRuleReady("enrich");
      s.awaitAvailableWebhooks("claims", 1);
      assertThat(s.tests("crm")).isEqualTo(1);
      var renewedBefore = s.lease().getSpec().getRenewTime();

      // A test delivery is in flight when the API server dies: the endpoint answers 1 s after the
      // request arrived, the server stays down 1.5 s before it is started again (and then needs a
      // few seconds to become ready), so the operator's status patch meets a dead server.
      HttpsEndpoint receiver = s.receiver();
      receiver.respond(HttpsEndpoint.json(200, Scenario.Bodies.SUCCESS).newBuilder()
          .headersDelay(1, TimeUnit.SECONDS).build());
      String requested = s.requestTest("crm");
      Await.until("test request arrived", () -> s.tests("crm"), n -> n == 2);
      long down = System.nanoTime();
      ProcessHandle restarted = cluster.server().killAndRestartApiServer(Duration.ofMillis(1500));
      Duration ready = cluster.awaitApiServerReady(Duration.ofSeconds(60));
      Duration outage = Duration.ofNanos(System.nanoTime() - down);
      LOG.info("kube-apiserver down for {} ms (new pid {}, ready {} ms after start)",
          outage.toMillis(), restarted.pid(), ready.toMillis());
      receiver.respond(200, Scenario.Bodies.SUCCESS);
      assertThat(outage).as("outage must stay below the lease renew deadline for this scenario")
          .isLessThan(RENEW_DEADLINE);
      // The objects survived in etcd.
      Namespace admin = cluster.admin().namespaces().withName(s.adminNs).get();
      assertThat(admin).isNotNull();

      // The outcome of the test that was in flight is recorded after the restart, not run again.
      Webhook recorded = s.awaitLastTest("crm", "the in-flight requested test recorded",
          t -> "Requested".equals(t.getTrigger()));
      assertThat(recorded.getStatus().getLastTest().getFingerprint()).contains("requested=" + requested);
      assertThat(recorded.getStatus().getLastTest().getOutcome()).isEqualTo("Succeeded");
      assertThat(s.tests("crm")).isEqualTo(2);

      // Informers reconnected: changes made after the restart are reconciled.
      s.rotate("crm", ROTATED);
      s.awaitLastTest("crm", "rotation after the restart tested", t -> "SecretChanged".equals(t.getTrigger()));
      s.createWebhook("after-outage", TOKEN, "claims");
      s.awaitTestSucceeded("after-outage");
      s.awaitAvailableWebhooks("claims", 2);
      s.createRule("enrich-after", "claims", "after-outage");
      s.awaitRuleReady("enrich-after");

      // The same replica still leads (it never lost the lease) and keeps renewing it.
      assertThat(operator.isAlive()).as("operator process alive; log:\n%s", operator.logTail()).isTrue();
      assertThat(s.leaseHolder()).isEqualTo("pod-a");
      assertThat(s.lease().getSpec().getRenewTime()).isAfter(renewedBefore);
      assertThat(operator.probe("/readyz")).isEqualTo(200);

      Thread.sleep(2000);
      assertThat(Receiver.requests(receiver, Scenario.path("crm"))).extracting(Receiver::bearer)
          .as("initial, requested (in flight during the outage), rotation: nothing repeated")
          .containsExactly(TOKEN, TOKEN, ROTATED);
      assertThat(s.tests("after-outage")).isEqualTo(1);
    }
  }
}
