package com.emailgistics.webhooks.reconciler.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.AvailableWebhook;
import com.emailgistics.webhooks.api.CustomFieldDefinition;
import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxStatus;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.reconciler.Leadership;
import com.emailgistics.webhooks.reconciler.ReconcileErrors;
import com.emailgistics.webhooks.testing.ReconcileContext;
import com.emailgistics.webhooks.testing.RecordedStatus;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every Ready reason of a Mailbox and its available webhooks, from {@code reconcile()}. */
class MailboxReconcileTest {
  private static final NamespacedReference CLAIMS = new NamespacedReference("team", "claims");

  private final RecordedStatus status = new RecordedStatus();

  @Test
  void validMailboxIsReadyAndListsThePermittingWebhooksByDisplayName() {
    Webhook zeta = webhook("zeta", "Zeta scoring", CLAIMS);
    Webhook alpha = webhook("alpha", "Alpha CRM", CLAIMS);
    Webhook elsewhere = webhook("other", "Other team's", new NamespacedReference("team", "x"));

    StatusCondition ready = reconcile(Resources.mailbox("team", "claims"), zeta, alpha, elsewhere);

    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("Ready");
    MailboxStatus written = status.last(MailboxStatus.class);
    assertThat(written.getAvailableWebhooks())
        .extracting(AvailableWebhook::getDisplayName)
        .containsExactly("Alpha CRM", "Zeta scoring");
    assertThat(written.getAvailableWebhookCount()).isEqualTo(2);
  }

  @Test
  void duplicateKeyAndBrokenPatternAreInvalidCustomFieldNamingEachField() {
    Mailbox mailbox = Resources.mailbox("team", "claims");
    mailbox
        .getSpec()
        .setCustomFields(
            new ArrayList<>(
                List.of(
                    new CustomFieldDefinition("claimNumber", "CLM-\\d+"),
                    new CustomFieldDefinition("claimNumber", null),
                    new CustomFieldDefinition("policy", "[unclosed"))));

    StatusCondition ready = reconcile(mailbox);

    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidCustomField");
    assertThat(ready.getMessage())
        .startsWith("spec.customFields[1].key: duplicate key \"claimNumber\"; ")
        .contains("spec.customFields[2].validationPattern: invalid regular expression");
  }

  private StatusCondition reconcile(Mailbox mailbox, HasMetadata... webhooks) {
    new MailboxReconciler(
            OperatorConfig.defaults().withWebhooksEnabled(true),
            Leadership.always(),
            new ReconcileErrors(
                new SimpleMeterRegistry(), MailboxReconciler.NAME, Clock.systemUTC()),
            status,
            Clock.systemUTC())
        .reconcile(mailbox, ReconcileContext.of(mailbox, webhooks));
    return status.condition("Ready");
  }

  private static Webhook webhook(String name, String displayName, NamespacedReference permitted) {
    Webhook webhook =
        Resources.webhook("admin", name, "https://" + name + ".example/hook", null, permitted);
    webhook.getSpec().setDisplayName(displayName);
    return webhook;
  }
}
