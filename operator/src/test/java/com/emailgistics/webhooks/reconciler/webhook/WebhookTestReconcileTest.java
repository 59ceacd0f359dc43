package com.emailgistics.webhooks.reconciler.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookStatus;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.delivery.Admission;
import com.emailgistics.webhooks.delivery.DeliveryEngine;
import com.emailgistics.webhooks.delivery.EgressPolicy;
import com.emailgistics.webhooks.delivery.RetryPolicy;
import com.emailgistics.webhooks.delivery.TestDeliveries;
import com.emailgistics.webhooks.delivery.WebhookHttpClient;
import com.emailgistics.webhooks.eventloop.EventLoops;
import com.emailgistics.webhooks.kube.EventRecorder;
import com.emailgistics.webhooks.reconciler.Leadership;
import com.emailgistics.webhooks.reconciler.ReconcileErrors;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.ReconcileContext;
import com.emailgistics.webhooks.testing.RecordedStatus;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TestSucceeded reasons, from {@code reconcile()} called directly against a real HTTPS
 * endpoint: the test delivery runs on an event loop, and the next reconciliation records it, as the
 * operator's re-trigger makes it do.
 */
@ExtendWith(MockApiServer.class)
class WebhookTestReconcileTest {
  private static final EventLoops LOOPS = EventLoops.start("reconcile-test", 1);

  /** Where test outcomes are recorded (the operator's test-results thread). */
  private static final ExecutorService COMPLETIONS = Executors.newSingleThreadExecutor();

  private static final OperatorConfig ENABLED = OperatorConfig.defaults().withWebhooksEnabled(true);
  private static final String OK = "{\"status\":\"success\",\"message\":\"Claim enriched.\"}";

  static KubernetesClient client;
  private final RecordedStatus status = new RecordedStatus();
  private HttpsEndpoint endpoint;
  private WebhookReconciler reconciler;
  private Webhook webhook;
  private ReconcileContext<Webhook> context;

  @BeforeEach
  void start() throws Exception {
    endpoint = new HttpsEndpoint();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    DeliveryEngine engine =
        new DeliveryEngine(
            new WebhookHttpClient(
                LOOPS.lanes().get(0),
                "Emailgistics/test",
                new WebhookHttpClient.ClientSettings(
                    10, true, 100, EventLoops.tlsEngine(), EgressPolicy.BUILT_IN)),
            new RetryPolicy(Clock.systemUTC()));
    reconciler =
        new WebhookReconciler(
            ENABLED,
            new TestDeliveries(
                List.of(engine), new Admission(new Admission.Limits(10, 1 << 20, 10, 10), metrics)),
            new EventRecorder(client, Clock.systemUTC()),
            Leadership.always(),
            COMPLETIONS,
            new ReconcileErrors(metrics, WebhookReconciler.NAME, Clock.systemUTC()),
            status,
            Clock.systemUTC());
    webhook =
        Resources.webhook(
            "admin",
            "crm",
            endpoint.url("/hooks/crm"),
            "crm-token",
            new NamespacedReference("team", "claims"));
    webhook.setMetadata(
        new ObjectMetaBuilder(webhook.getMetadata()).withUid("uid-crm").withGeneration(1L).build());
    webhook.getSpec().setCaBundleRef(new SecretKeyReference("crm-ca", "ca.crt"));
    context =
        ReconcileContext.of(
            webhook,
            secret("crm-token", Map.of("token", "Str0ng!bearer-value")),
            secret("crm-ca", Map.of("ca.crt", endpoint.caPem())));
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @AfterAll
  static void closeLoops() {
    COMPLETIONS.shutdownNow();
    LOOPS.close();
  }

  @Test
  void testInProgressThenTestSucceeded() {
    endpoint.respond(200, OK);

    assertThat(reconcileTestCondition())
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("Unknown", "TestInProgress");
    StatusCondition recorded = awaitTestRecorded();

    assertThat(recorded)
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("True", "TestSucceeded");
    assertThat(status.last(WebhookStatus.class).getLastTest().getTrigger()).isEqualTo("Initial");
  }

  /** Each way a test can fail is its own reason, as the product reports it. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "404 | {}                                        | HTTPStatus",
        "200 | not json                                  | MalformedJSON",
        "200 | {\"status\":\"success\"}                  | MissingFields",
        "200 | {\"status\":\"error\",\"message\":\"no\"} | EndpointError",
        "200 | {\"status\":\"maybe\",\"message\":\"x\"}  | InvalidStatus"
      })
  void aFailedTestIsFalseWithItsOutcomeAsReason(int code, String body, String reason) {
    endpoint.respond(code, body);

    reconcileTestCondition();

    assertThat(awaitTestRecorded())
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("False", reason);
  }

  @Test
  void anEndpointThatCannotBeReachedIsConnectionError() {
    endpoint.close();

    reconcileTestCondition();

    assertThat(awaitTestRecorded())
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("False", "ConnectionError");
  }

  @Test
  void aFinishedTestWhoseStatusCouldNotBeWrittenIsTestResultNotRecorded() {
    endpoint.respond(200, OK);
    reconcileTestCondition();
    awaitTestRecorded();

    // The status write of that result failed: the stored status still shows the test running.
    reconciler.updateErrorStatus(webhook, context, new IllegalStateException("refused"));

    assertThat(status.condition("TestSucceeded"))
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("Unknown", "TestResultNotRecorded");
    assertThat(status.condition("TestSucceeded").getMessage())
        .contains("but its result could not be recorded in this status (IllegalStateException)");
  }

  @Test
  void aWebhookThatCannotBeUsedIsNotTested() {
    ReconcileContext<Webhook> withoutSecrets = ReconcileContext.of(webhook);
    reconciler.reconcile(webhook, withoutSecrets);

    assertThat(status.condition("TestSucceeded"))
        .extracting(StatusCondition::getStatus, StatusCondition::getReason)
        .containsExactly("Unknown", "NotTested");
    assertThat(endpoint.requests()).isEmpty();
  }

  private StatusCondition reconcileTestCondition() {
    reconciler.reconcile(webhook, context);
    return status.condition("TestSucceeded");
  }

  /** Reconciles again, as the test's end re-triggers it, until the result is recorded. */
  private StatusCondition awaitTestRecorded() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              reconciler.reconcile(webhook, context);
              return status.condition("TestSucceeded");
            },
            condition -> !"TestInProgress".equals(condition.getReason()));
  }

  private static Secret secret(String name, Map<String, String> values) {
    return Resources.secret("admin", name, values);
  }
}
