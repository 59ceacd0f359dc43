package com.emailgistics.webhooks.reconciler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookSigning;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.delivery.Admission;
import com.emailgistics.webhooks.delivery.TestDeliveries;
import com.emailgistics.webhooks.kube.EventRecorder;
import com.emailgistics.webhooks.reconciler.Leadership;
import com.emailgistics.webhooks.reconciler.ReconcileErrors;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.ReconcileContext;
import com.emailgistics.webhooks.testing.RecordedStatus;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Ready and SecretStrong reasons of a Webhook, from {@code reconcile()} called directly (its
 * Warning Events go to the mock API server). The TestSucceeded reasons, which need an endpoint, are
 * in WebhookTestReconcileTest.
 */
@ExtendWith(MockApiServer.class)
class WebhookReconcileTest {
  private static final String STRONG = "Str0ng!bearer-value";
  private static final OperatorConfig ENABLED = OperatorConfig.defaults().withWebhooksEnabled(true);
  private static final OperatorConfig DISABLED =
      OperatorConfig.defaults().withWebhooksEnabled(false);

  static KubernetesClient client;
  private final RecordedStatus status = new RecordedStatus();

  @Test
  void featureOffIsNotReadyAndRunsNoTest() {
    reconcile(DISABLED, webhook(), token(STRONG));

    assertThat(status.condition("Ready"))
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("False", "WebhooksFeatureDisabled");
    assertThat(status.condition("TestSucceeded"))
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("Unknown", "WebhooksFeatureDisabled");
    assertThat(status.condition("SecretStrong").getReason()).isEqualTo("Strong");
  }

  /** Secret quality never blocks deliveries; assessed here with the feature off (no test runs). */
  @ParameterizedTest
  @CsvSource({
    "Str0ng!bearer-value, True, Strong",
    "sh0rt!, False, SecretTooShort",
    "onlylettersandmoreletters, False, SecretNotMixed"
  })
  void secretQualityIsReportedWithItsReason(String secret, String strong, String reason) {
    reconcile(DISABLED, webhook(), token(secret));

    assertThat(status.condition("SecretStrong"))
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly(strong, reason);
  }

  @Test
  void webhookWithoutSecretIsNoSecret() {
    Webhook webhook = webhook();
    webhook.getSpec().setSecretRef(null);

    reconcile(DISABLED, webhook);

    assertThat(status.condition("SecretStrong").getReason()).isEqualTo("NoSecret");
  }

  @Test
  void missingSecretIsSecretNotFound() {
    assertNotReady(reconcile(ENABLED, webhook()), "SecretNotFound");
  }

  @Test
  void secretWithoutTheKeyIsSecretKeyNotFound() {
    assertNotReady(
        reconcile(ENABLED, webhook(), Resources.secret("admin", "crm-token", Map.of("other", "x"))),
        "SecretKeyNotFound");
  }

  @Test
  void emptySecretValueIsInvalidSecretValue() {
    assertNotReady(reconcile(ENABLED, webhook(), token("")), "InvalidSecretValue");
  }

  @Test
  void caBundleSecretMissingOrUnparsableIsReportedAsSuch() {
    Webhook webhook = webhook();
    webhook.getSpec().setCaBundleRef(new SecretKeyReference("crm-ca", "ca.crt"));

    assertNotReady(reconcile(ENABLED, webhook, token(STRONG)), "CABundleNotFound");
    assertNotReady(
        reconcile(
            ENABLED,
            webhook,
            token(STRONG),
            Resources.secret("admin", "crm-ca", Map.of("ca.crt", "not a certificate"))),
        "InvalidCABundle");
  }

  @Test
  void signingSecretOfTheWrongFormIsInvalidSigningSecret() {
    Webhook webhook = webhook();
    webhook
        .getSpec()
        .setSigning(new WebhookSigning(new SecretKeyReference("crm-signing", "secret")));

    assertNotReady(
        reconcile(
            ENABLED,
            webhook,
            token(STRONG),
            Resources.secret("admin", "crm-signing", Map.of("secret", "not-whsec"))),
        "InvalidSigningSecret");
  }

  private static void assertNotReady(RecordedStatus status, String reason) {
    assertThat(status.condition("Ready"))
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("False", reason);
    assertThat(status.condition("SecretStrong"))
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("Unknown", "SecretUnavailable");
  }

  private RecordedStatus reconcile(OperatorConfig config, Webhook webhook, Secret... secrets) {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    new WebhookReconciler(
            config,
            // Not reached: no test delivery starts unless the webhook is Ready with the feature on.
            new TestDeliveries(List.of(), new Admission(new Admission.Limits(1, 1, 1, 1), metrics)),
            new EventRecorder(client, Clock.systemUTC()),
            Leadership.always(),
            Runnable::run,
            new ReconcileErrors(metrics, WebhookReconciler.NAME, Clock.systemUTC()),
            status,
            Clock.systemUTC())
        .reconcile(webhook, ReconcileContext.of(webhook, secrets));
    return status;
  }

  private static Webhook webhook() {
    return Resources.webhook(
        "admin",
        "crm",
        "https://crm.example/hook",
        "crm-token",
        new NamespacedReference("team", "claims"));
  }

  private static Secret token(String value) {
    return Resources.secret("admin", "crm-token", Map.of("token", value));
  }
}
