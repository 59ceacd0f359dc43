package com.emailgistics.webhooks.reconciler;

import static com.emailgistics.webhooks.testing.Resources.mailbox;
import static com.emailgistics.webhooks.testing.Resources.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Which changes make the operator judge a rule again, counted by JOSDK's reconciliation metric: a
 * Mailbox's updates do not (its status is rewritten whenever a Webhook listing it changes, which
 * would re-judge every rule of every mailbox the Webhook lists), its deletion does.
 */
@ExtendWith(MockApiServer.class)
class ReconcileTriggersTest {
  private static final String RULE_RECONCILIATIONS = "operator_sdk_reconciliations_started_total";
  private static final String RULE_KIND = "kind=\"MailboxRule\"";
  private static final String NAMESPACE = "team-t";

  static KubernetesClient client;
  private static OperatorFixture operator;

  @BeforeAll
  static void startOperator() {
    operator = new OperatorFixture(client, OperatorConfig.defaults().withWebhooksEnabled(true));
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  @Test
  void aMailboxUpdateLeavesItsRulesAloneAndItsDeletionJudgesThemAgain() throws Exception {
    client.resource(mailbox(NAMESPACE, "claims")).create();
    List<String> rules = List.of("first", "second", "third");
    for (String name : rules) {
      client.resource(rule(NAMESPACE, name, "claims")).create();
    }
    rules.forEach(name -> ruleReady(name, "Ready"));
    await().atMost(OperatorFixture.WAIT).until(() -> observedGeneration("claims") != null);
    double judged = operator.metricSum(RULE_RECONCILIATIONS, RULE_KIND);
    assertThat(judged).isGreaterThanOrEqualTo(rules.size());

    // A spec change (the Mailbox reconciler then writes its status) and a label.
    long generation =
        client
            .resources(Mailbox.class)
            .inNamespace(NAMESPACE)
            .withName("claims")
            .edit(
                mailbox -> {
                  mailbox.getSpec().setDisplayName("Claims (renamed)");
                  mailbox.getMetadata().setLabels(Map.of("team", "claims"));
                  return mailbox;
                })
            .getMetadata()
            .getGeneration();
    await()
        .atMost(OperatorFixture.WAIT)
        .until(() -> Long.valueOf(generation).equals(observedGeneration("claims")));
    // The events of both writes reach the operator within milliseconds; give them a second.
    Thread.sleep(1000);
    assertThat(operator.metricSum(RULE_RECONCILIATIONS, RULE_KIND)).isEqualTo(judged);

    client.resources(Mailbox.class).inNamespace(NAMESPACE).withName("claims").delete();
    rules.forEach(name -> ruleReady(name, "MailboxNotFound"));
    assertThat(operator.metricSum(RULE_RECONCILIATIONS, RULE_KIND))
        .isGreaterThanOrEqualTo(judged + rules.size());
  }

  private static Long observedGeneration(String mailbox) {
    Mailbox stored = client.resources(Mailbox.class).inNamespace(NAMESPACE).withName(mailbox).get();
    return stored.getStatus() == null ? null : stored.getStatus().getObservedGeneration();
  }

  private static void ruleReady(String name, String reason) {
    operator.awaitRuleReady(NAMESPACE, name, reason);
  }
}
