package com.emailgistics.webhooks.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleProblem;
import com.emailgistics.webhooks.kube.EventRecorder;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The rule's admin log: bounded per rule, newest first, Events deduplicated per kind. */
@ExtendWith(MockApiServer.class)
class RuleProblemLogTest {
  static KubernetesClient client;

  @Test
  void keepsTheTenNewestKindsCountsRepeatsAndWarnsOncePerKindAndWindow() {
    MailboxRule rule =
        client
            .resource(
                Resources.rule("team", "noisy", "claims", RuleAction.useWebhook("admin", "crm")))
            .create();
    RuleProblemLog log =
        new RuleProblemLog(new EventRecorder(client, Clock.systemUTC()), Clock.systemUTC());

    for (int i = 1; i <= 12; i++) {
      log.record(rule, RuleProblemLog.DELIVERY_FAILED, "admin/hook-" + i, "Failed: " + i);
    }
    log.record(rule, RuleProblemLog.DELIVERY_FAILED, "admin/hook-12", "Failed: again");

    Map<String, Long> written = new HashMap<>();
    List<RuleProblemLog.Snapshot> snapshots = log.changedSince(written);
    assertThat(snapshots).hasSize(1);
    RuleProblemLog.Snapshot snapshot = snapshots.get(0);
    assertThat(snapshot.problems().getTotal()).isEqualTo(13);
    assertThat(snapshot.problems().getRecent())
        .hasSize(10)
        .extracting(RuleProblem::getWebhook)
        .startsWith("admin/hook-12", "admin/hook-11")
        .doesNotContain("admin/hook-1", "admin/hook-2");
    assertThat(snapshot.problems().getRecent().get(0))
        .extracting(RuleProblem::getCount, RuleProblem::getLastMessage)
        .containsExactly(2L, "Failed: again");

    written.put(snapshot.uid(), snapshot.version());
    assertThat(log.changedSince(written)).as("nothing new to write").isEmpty();

    await().atMost(Duration.ofSeconds(10)).until(() -> warnings("noisy").size() == 12);
    assertThat(warnings("noisy"))
        .extracting(Event::getReason)
        .containsOnly(RuleProblemLog.DELIVERY_FAILED);

    log.retainRules(Set.of());
    assertThat(log.changedSince(Map.of())).as("a deleted rule is forgotten").isEmpty();
  }

  private static List<Event> warnings(String rule) {
    return client.v1().events().inNamespace("team").list().getItems().stream()
        .filter(event -> rule.equals(event.getInvolvedObject().getName()))
        .filter(event -> "Warning".equals(event.getType()))
        .toList();
  }
}
