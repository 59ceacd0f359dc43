package com.emailgistics.webhooks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookTestResult;
import com.emailgistics.webhooks.e2e.support.Await;
import com.emailgistics.webhooks.e2e.support.E2eCluster;
import com.emailgistics.webhooks.e2e.support.E2eClusterExtension;
import com.emailgistics.webhooks.e2e.support.Manifests;
import com.emailgistics.webhooks.e2e.support.OperatorProcess;
import com.emailgistics.webhooks.e2e.support.Receiver;
import com.emailgistics.webhooks.e2e.support.Scenario;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's runnable jar, killed (SIGKILL: a crash or a pod deleted without grace) mid-flow
 * and started again, with leader election on. State converges and test deliveries follow the
 * trigger rules: a restart alone never causes one, changes made while no operator runs cause
 * exactly one, and only a test whose outcome was lost with the killed process runs again, once.
 */
@ExtendWith(E2eClusterExtension.class)
class OperatorRestartE2ETest {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorRestartE2ETest.class);
  private static final String TOKEN = "Before-restart!t0ken-e2e";
  private static final String ROTATED = "While-down!r0tated-t0ken";

  @Test
  void restartAloneNeverRepeatsATestAndChangesMadeWhileDownAreTestedOnce(E2eCluster cluster)
      throws Exception {
    try (Scenario s = Scenario.create(cluster, "restart")) {
      // Replica "pod-a" sets everything up.
      OperatorProcess first = OperatorProcess.start(cluster, "pod-a", s.operatorEnv());
      s.createWebhook("crm", TOKEN, "claims");
      s.createMailbox("claims");
      s.createRule("enrich", "claims", "crm");
      Webhook tested = s.awaitTestSucceeded("crm");
      s.awaitRuleReady("enrich");
      s.awaitAvailableWebhooks("claims", 1);
      WebhookTestResult initial = tested.getStatus().getLastTest();
      assertThat(initial.getTrigger()).isEqualTo("Initial");
      assertThat(s.tests("crm")).isEqualTo(1);
      assertThat(s.leaseHolder()).isEqualTo("pod-a");

      // The container is killed and restarted in the same pod (same identity: the lease is taken
      // back at once). The new process reconciles everything again, but tests nothing again.
      first.kill();
      try (OperatorProcess restarted = OperatorProcess.start(cluster, "pod-a", s.operatorEnv())) {
        // Proof that the restarted process reconciles: a webhook created now is tested.
        s.createWebhook("sentinel", TOKEN);
        s.awaitTestSucceeded("sentinel");
        Thread.sleep(2000);
        assertThat(s.tests("crm")).as("tests of crm after a restart alone").isEqualTo(1);
        Webhook after = s.webhook("crm");
        assertThat(after.getStatus().getLastTest().getTime()).isEqualTo(initial.getTime());
        assertThat(after.getStatus().getLastTest().getFingerprint())
            .isEqualTo(initial.getFingerprint());
        assertThat(Await.condition(after, "TestSucceeded").orElseThrow().getStatus())
            .isEqualTo("True");
        assertThat(Await.condition(after, "Ready").orElseThrow().getStatus()).isEqualTo("True");
        restarted.kill();
      }

      // While no operator runs: the token is rotated, the spec changes, a rule is added.
      s.rotate("crm", ROTATED);
      Manifests.mergePatch(
          cluster.admin(),
          Webhook.class,
          s.adminNs,
          "crm",
          "{\"spec\":{\"includeCustomFields\":true}}");
      s.createRule("enrich-too", "claims", "crm");

      // A replacement pod with a new identity takes over once the dead replica's lease expires.
      long start = System.nanoTime();
      try (OperatorProcess replacement = OperatorProcess.start(cluster, "pod-b", s.operatorEnv())) {
        Webhook retested =
            s.awaitLastTest(
                "crm",
                "one test for the changes made while down",
                t -> !t.getFingerprint().equals(initial.getFingerprint()));
        LOG.info(
            "Replacement replica took over and tested after {} ms",
            (System.nanoTime() - start) / 1_000_000);
        assertThat(s.leaseHolder()).isEqualTo("pod-b");
        assertThat(retested.getStatus().getLastTest().getTrigger()).isEqualTo("SpecChanged");
        assertThat(retested.getStatus().getLastTest().getOutcome()).isEqualTo("Succeeded");
        assertThat(Await.condition(retested, "TestSucceeded").orElseThrow().getObservedGeneration())
            .isEqualTo(2L);
        s.awaitRuleReady("enrich-too");
        Thread.sleep(2000);
        assertThat(Receiver.requests(s.receiver(), Scenario.path("crm")))
            .as("one test for spec change + rotation together, with the rotated token")
            .extracting(Receiver::bearer)
            .containsExactly(TOKEN, ROTATED);
        assertThat(s.tests("sentinel")).isEqualTo(1);
      }
    }
  }

  @Test
  void operatorKilledDuringATestDeliveryRunsThatTestOnceMoreAndRecordsIt(E2eCluster cluster)
      throws Exception {
    try (Scenario s = Scenario.create(cluster, "midtest")) {
      OperatorProcess first = OperatorProcess.start(cluster, "pod-a", s.operatorEnv());
      s.createWebhook("crm", TOKEN, "claims");
      s.createMailbox("claims");
      s.createRule("enrich", "claims", "crm");
      s.awaitTestSucceeded("crm");
      s.awaitRuleReady("enrich");
      assertThat(s.tests("crm")).isEqualTo(1);

      // The endpoint takes its time; the operator is killed while it waits for the answer.
      HttpsEndpoint receiver = s.receiver();
      receiver.respond(
          HttpsEndpoint.json(200, Scenario.Bodies.SUCCESS)
              .newBuilder()
              .headersDelay(10, TimeUnit.SECONDS)
              .build());
      String requested = s.requestTest("crm");
      Await.until("test request arrived", () -> s.tests("crm"), n -> n == 2);
      first.kill();
      receiver.respond(200, Scenario.Bodies.SUCCESS);
      Webhook unrecorded = s.webhook("crm");
      assertThat(unrecorded.getStatus().getLastTest().getTrigger())
          .as("the killed replica could not record the outcome")
          .isEqualTo("Initial");

      try (OperatorProcess restarted = OperatorProcess.start(cluster, "pod-a", s.operatorEnv())) {
        Webhook recorded =
            s.awaitLastTest(
                "crm", "the requested test recorded", t -> "Requested".equals(t.getTrigger()));
        assertThat(recorded.getStatus().getLastTest().getOutcome()).isEqualTo("Succeeded");
        assertThat(recorded.getStatus().getLastTest().getFingerprint())
            .contains("requested=" + requested);
        assertThat(Await.condition(recorded, "TestSucceeded").orElseThrow().getMessage())
            .isEqualTo(Scenario.Bodies.SUCCESS_MESSAGE);
        Thread.sleep(2000);
        assertThat(s.tests("crm")).as("the cut-off test ran once more, and only once").isEqualTo(3);
      }
    }
  }
}
