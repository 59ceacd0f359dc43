package com.emailgistics.webhooks;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.health.HealthServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator against the current kubeconfig (out of cluster) or the pod's service account
 * (in cluster), configured by environment variables; see {@link OperatorConfig}.
 */
public final class OperatorMain {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    OperatorConfig config = OperatorConfig.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    WebhookOperator operator = WebhookOperator.create(client, config, true, Clock.systemUTC());
    HealthServer health = new HealthServer(config.healthPort(), operator::isStarted, operator::isReady);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      health.close();
      operator.close();
      client.close();
    }, "shutdown"));
    health.start();
    LOG.info(
        "Starting Emailgistics webhooks operator {} against {} (webhooks feature {}, health on port {})",
        OperatorVersion.current(),
        client.getMasterUrl(),
        config.webhooksEnabled() ? "on" : "off",
        health.port());
    operator.start();
  }
}
