package com.emailgistics.webhooks.reconciler;

import static com.emailgistics.webhooks.testing.Resources.mailbox;
import static com.emailgistics.webhooks.testing.Resources.rule;
import static com.emailgistics.webhooks.testing.Resources.secret;
import static com.emailgistics.webhooks.testing.Resources.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Test deliveries wait on the network on the data plane's event loops, never on a reconciler
 * thread: with 25 Webhooks whose endpoint does not answer for 100 s, every other change is still
 * reconciled at once (it took 92 s when tests blocked the reconciler threads).
 */
@ExtendWith(MockApiServer.class)
class HangingTestDeliveriesTest {
  private static final String ADMIN = "admin";
  private static final String TEAM = "team";
  private static final int HANGING = 25;

  static KubernetesClient client;
  private static OperatorFixture operator;
  private static HttpsEndpoint silent;

  @BeforeAll
  static void start() throws Exception {
    silent = new HttpsEndpoint();
    silent.respond(
        HttpsEndpoint.json(200, "{\"status\":\"success\",\"message\":\"late\"}")
            .newBuilder()
            .headersDelay(100, TimeUnit.SECONDS)
            .build());
    operator = new OperatorFixture(client, OperatorConfig.defaults().withWebhooksEnabled(true));
  }

  @AfterAll
  static void stop() {
    operator.close();
    silent.close();
  }

  @Test
  void aNewRuleIsReadyWithinSecondsWhileTwentyFiveTestsHang() {
    client.resource(secret(ADMIN, "silent-ca", Map.of("ca.crt", silent.caPem()))).create();
    NamespacedReference claims = new NamespacedReference(TEAM, "claims");
    for (int i = 0; i < HANGING; i++) {
      Webhook hanging = webhook(ADMIN, "hanging-" + i, silent.url("/hook-" + i), null, claims);
      hanging.getSpec().setCaBundleRef(new SecretKeyReference("silent-ca", "ca.crt"));
      hanging.getSpec().setTimeoutSeconds(100);
      client.resource(hanging).create();
    }
    await().atMost(OperatorFixture.WAIT).until(() -> silent.requests().size() == HANGING);
    for (int i = 0; i < HANGING; i++) {
      StatusCondition test =
          operator.awaitCondition(
              Webhook.class,
              ADMIN,
              "hanging-" + i,
              w -> w.getStatus() == null ? null : w.getStatus().getConditions(),
              "TestSucceeded",
              c -> true);
      assertThat(test.getReason()).isEqualTo("TestInProgress");
    }

    long start = System.nanoTime();
    client.resource(mailbox(TEAM, "claims")).create();
    client
        .resource(rule(TEAM, "enrich", "claims", RuleAction.useWebhook(ADMIN, "hanging-0")))
        .create();
    operator.awaitRuleReady(TEAM, "enrich", "Ready");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(silent.requests()).as("no test started twice").hasSize(HANGING);
  }
}
