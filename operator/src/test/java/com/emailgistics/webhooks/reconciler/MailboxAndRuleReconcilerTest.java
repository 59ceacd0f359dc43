package com.emailgistics.webhooks.reconciler;

import static com.emailgistics.webhooks.testing.Resources.mailbox;
import static com.emailgistics.webhooks.testing.Resources.rule;
import static com.emailgistics.webhooks.testing.Resources.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.AvailableWebhook;
import com.emailgistics.webhooks.api.CustomFieldDefinition;
import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Mailbox status (available webhooks) and MailboxRule readiness with the feature on. The webhook
 * URLs are never called here: Webhooks without a reachable endpoint still define permissions.
 */
@ExtendWith(MockApiServer.class)
class MailboxAndRuleReconcilerTest {
  private static final String ADMIN = "emailgistics-admin";
  private static final String URL = "https://127.0.0.1:9/unused";

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

  private static List<AvailableWebhook> available(String namespace, String name) {
    Mailbox mailbox = client.resources(Mailbox.class).inNamespace(namespace).withName(name).get();
    return mailbox == null || mailbox.getStatus() == null
        ? List.of()
        : mailbox.getStatus().getAvailableWebhooks();
  }

  private static StatusCondition ruleReady(String namespace, String name, String reason) {
    return operator.awaitRuleReady(namespace, name, reason);
  }

  @Test
  void mailboxStatusListsTheWebhooksThatPermitItAndFollowsChanges() {
    client.resource(mailbox("team-a", "claims")).create();
    client
        .resource(webhook(ADMIN, "crm", URL, null, new NamespacedReference("team-a", "claims")))
        .create();
    Webhook other = webhook(ADMIN, "fraud", URL, null, new NamespacedReference("team-b", "sales"));
    other.getSpec().setDisplayName("Fraud check");
    client.resource(other).create();
    // Created after the Webhook that lists it: it must still find it.
    client.resource(mailbox("team-b", "sales")).create();

    await().atMost(OperatorFixture.WAIT).until(() -> available("team-a", "claims").size() == 1);
    AvailableWebhook listed = available("team-a", "claims").get(0);
    assertThat(listed.getDisplayName()).isEqualTo("Display crm");
    assertThat(listed.getWebhook()).isEqualTo(new NamespacedReference(ADMIN, "crm"));
    await().atMost(OperatorFixture.WAIT).until(() -> available("team-b", "sales").size() == 1);
    assertThat(
            client
                .resources(Mailbox.class)
                .inNamespace("team-a")
                .withName("claims")
                .get()
                .getStatus()
                .getAvailableWebhookCount())
        .isEqualTo(1);

    // The fraud webhook now also permits team-a's mailbox; the crm webhook drops it.
    client
        .resources(Webhook.class)
        .inNamespace(ADMIN)
        .withName("fraud")
        .edit(
            w -> {
              w.getSpec().getMailboxes().add(new NamespacedReference("team-a", "claims"));
              return w;
            });
    client
        .resources(Webhook.class)
        .inNamespace(ADMIN)
        .withName("crm")
        .edit(
            w -> {
              w.getSpec().setMailboxes(new ArrayList<>());
              return w;
            });

    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () ->
                available("team-a", "claims").stream()
                    .map(AvailableWebhook::getDisplayName)
                    .toList()
                    .equals(List.of("Fraud check")));

    client.resources(Webhook.class).inNamespace(ADMIN).withName("fraud").delete();
    await().atMost(OperatorFixture.WAIT).until(() -> available("team-a", "claims").isEmpty());
  }

  @Test
  void invalidCustomFieldPatternMakesTheMailboxNotReady() {
    Mailbox mailbox = mailbox("team-c", "bad-fields");
    mailbox.getSpec().getCustomFields().add(new CustomFieldDefinition("policy", "POL-(\\d+"));
    client.resource(mailbox).create();

    StatusCondition ready =
        operator.awaitCondition(
            Mailbox.class,
            "team-c",
            "bad-fields",
            m -> m.getStatus() == null ? null : m.getStatus().getConditions(),
            "Ready",
            c -> "False".equals(c.getStatus()));

    assertThat(ready.getReason()).isEqualTo("InvalidCustomField");
    assertThat(ready.getMessage())
        .startsWith("spec.customFields[1].validationPattern: invalid regular expression");
  }

  @Test
  void ruleWithoutItsMailboxIsNotReadyUntilTheMailboxExists() {
    client.resource(rule("team-d", "orphan", "missing", tag())).create();

    StatusCondition notReady = ruleReady("team-d", "orphan", "MailboxNotFound");
    assertThat(notReady.getStatus()).isEqualTo("False");
    assertThat(notReady.getMessage()).contains("\"missing\"").contains("team-d");

    client.resource(mailbox("team-d", "missing")).create();
    assertThat(ruleReady("team-d", "orphan", "Ready").getStatus()).isEqualTo("True");
  }

  @Test
  void rulesNotReadyAreCountedInTheMetrics() throws Exception {
    String notReadyRules = "emailgistics_objects_not_ready{kind=\"MailboxRule\"}";
    client.resource(rule("team-n", "early", "later", tag())).create();
    ruleReady("team-n", "early", "MailboxNotFound");
    double withIt = operator.metric(notReadyRules);
    assertThat(withIt).isGreaterThanOrEqualTo(1);

    client.resource(mailbox("team-n", "later")).create();
    ruleReady("team-n", "early", "Ready");

    await()
        .atMost(OperatorFixture.WAIT)
        .untilAsserted(() -> assertThat(operator.metric(notReadyRules)).isEqualTo(withIt - 1));
  }

  @Test
  void ruleUsingAnUnknownWebhookIsNotReady() {
    client.resource(mailbox("team-e", "support")).create();
    client
        .resource(rule("team-e", "enrich", "support", RuleAction.useWebhook(ADMIN, "nope")))
        .create();

    StatusCondition ready = ruleReady("team-e", "enrich", "WebhookNotAvailable");

    assertThat(ready.getMessage())
        .isEqualTo(
            "Webhook emailgistics-admin/nope does not exist or does not list Mailbox"
                + " team-e/support in spec.mailboxes; the Mailbox's status.availableWebhooks shows the webhooks it may use");
  }

  @Test
  void ruleUsingAWebhookThatDoesNotListItsMailboxIsNotPermittedUntilTheWebhookDoes() {
    client.resource(mailbox("team-f", "support")).create();
    client
        .resource(
            webhook(ADMIN, "restricted", URL, null, new NamespacedReference("team-x", "other")))
        .create();
    client
        .resource(rule("team-f", "enrich", "support", RuleAction.useWebhook(ADMIN, "restricted")))
        .create();

    StatusCondition denied = ruleReady("team-f", "enrich", "WebhookNotAvailable");
    assertThat(denied.getStatus()).isEqualTo("False");
    // Word for word what a webhook that does not exist gets: no existence oracle.
    assertThat(denied.getMessage())
        .isEqualTo(
            "Webhook emailgistics-admin/restricted does not exist or does not list"
                + " Mailbox team-f/support in spec.mailboxes; the Mailbox's status.availableWebhooks shows the webhooks it may use");

    client
        .resources(Webhook.class)
        .inNamespace(ADMIN)
        .withName("restricted")
        .edit(
            w -> {
              w.getSpec().getMailboxes().add(new NamespacedReference("team-f", "support"));
              return w;
            });
    assertThat(ruleReady("team-f", "enrich", "Ready").getStatus()).isEqualTo("True");
  }

  @Test
  void invalidRegularExpressionIsReportedWithTheOffendingField() {
    client.resource(mailbox("team-g", "support")).create();
    MailboxRule rule = rule("team-g", "regex", "support", tag());
    rule.getSpec()
        .setConditions(
            new ArrayList<>(
                List.of(
                    new RuleCondition(RuleConditionType.SubjectContains, "claim"),
                    new RuleCondition(RuleConditionType.SubjectMatches, "ok", "CLM-(\\d+"))));
    client.resource(rule).create();

    StatusCondition ready = ruleReady("team-g", "regex", "InvalidCondition");

    assertThat(ready.getMessage())
        .startsWith("spec.conditions[1].values[1]: invalid regular expression");
  }

  private static RuleAction tag() {
    RuleAction action = new RuleAction();
    action.setType(com.emailgistics.webhooks.api.RuleActionType.Tag);
    action.setTags(new ArrayList<>(List.of("VIP")));
    return action;
  }
}
