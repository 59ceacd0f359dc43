package com.emailgistics.webhooks;

import com.emailgistics.webhooks.config.OperatorConfig;
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
  private OperatorMain() {}

  public static void main(String[] args) {
    WebhookOperator.prepareJvm();
    LogFormat.configureFromEnvironment();
    Logger log = LoggerFactory.getLogger(OperatorMain.class);
    OperatorConfig config = OperatorConfig.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    WebhookOperator operator = WebhookOperator.create(client, config, true, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
    }, "shutdown"));
    log.info("Starting Emailgistics webhooks operator {} against {} (webhooks feature {}, dispatch on port {}, health on port {})",
        OperatorVersion.current(), client.getMasterUrl(), config.webhooksEnabled() ? "on" : "off",
        config.dispatchPort(), config.healthPort());
    operator.start();
  }
}
