package com.emailgistics.webhooks;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.delivery.TestDelivery;
import com.emailgistics.webhooks.delivery.WebhookHttpClient;
import com.emailgistics.webhooks.reconciler.EventRecorder;
import com.emailgistics.webhooks.reconciler.mailbox.MailboxReconciler;
import com.emailgistics.webhooks.reconciler.rule.MailboxRuleReconciler;
import com.emailgistics.webhooks.reconciler.webhook.WebhookReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.util.Set;

/** The three controllers wired onto one JOSDK Operator. */
public final class WebhookOperator implements AutoCloseable {
  static final String LEASE_NAME = "emailgistics-webhooks-operator";
  /** Test deliveries block a reconciler thread for up to the webhook's timeout. */
  private static final int RECONCILIATION_THREADS = 20;

  private final Operator operator;

  private WebhookOperator(Operator operator) {
    this.operator = operator;
  }

  /**
   * @param serverSideApply patch status with server-side apply (production); the fabric8 mock
   *     server does not support it, so tests against it switch it off
   */
  public static WebhookOperator create(
      KubernetesClient client, OperatorConfig config, boolean serverSideApply, Clock clock) {
    Operator operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(serverSideApply)
                  .withConcurrentReconciliationThreads(RECONCILIATION_THREADS);
              config.leaderElectionNamespace()
                  .ifPresent(namespace ->
                      overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE_NAME, namespace)));
            });
    TestDelivery testDelivery = new TestDelivery(new WebhookHttpClient(OperatorVersion.userAgent()));
    EventRecorder events = new EventRecorder(client, clock);
    operator.register(
        new WebhookReconciler(config, testDelivery, events, clock),
        override -> restrict(override, config.webhookNamespaces()));
    operator.register(
        new MailboxReconciler(config, clock), override -> restrict(override, config.mailboxNamespaces()));
    operator.register(
        new MailboxRuleReconciler(config, clock), override -> restrict(override, config.mailboxNamespaces()));
    return new WebhookOperator(operator);
  }

  private static void restrict(
      io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<?> override, Set<String> namespaces) {
    if (!namespaces.isEmpty()) {
      override.settingNamespaces(namespaces);
    }
  }

  public void start() {
    operator.start();
  }

  /** Started and every informer is connected and synced. */
  public boolean isReady() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean isStarted() {
    return operator.getRuntimeInfo().isStarted();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
