package com.emailgistics.webhooks;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.config.StartupException;
import com.emailgistics.webhooks.kube.ApiServerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator against the current kubeconfig (out of cluster) or the pod's service account
 * (in cluster), configured by environment variables; see {@link OperatorConfig}. A start-up failure
 * is one line naming the cause and the setting, and exit code 2; SIGTERM drains dispatch before the
 * process ends.
 */
public final class OperatorMain {
  private OperatorMain() {}

  public static void main(String[] args) {
    Logger log;
    try {
      LogFormat.configureFromEnvironment();
      log = LoggerFactory.getLogger(OperatorMain.class);
    } catch (IllegalArgumentException e) {
      System.err.println("Cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    WebhookOperator operator = null;
    try {
      OperatorConfig config = OperatorConfig.fromEnvironment(System.getenv());
      KubernetesClient client =
          new KubernetesClientBuilder().withConfig(ApiServerConfig.load()).build();
      operator = WebhookOperator.create(client, config, true, Clock.systemUTC());
      WebhookOperator running = operator;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    running.shutdown();
                    client.close();
                  },
                  "shutdown"));
      log.info(
          "Starting Emailgistics webhooks operator {} against {} (webhooks feature {}, dispatch on port {},"
              + " health on port {})",
          OperatorVersion.current(),
          client.getMasterUrl(),
          config.webhooksEnabled() ? "on" : "off",
          config.dispatch().port(),
          config.healthPort());
      operator.start();
      log.info(
          "Started: caches synced, dispatch on port {}, health on port {}",
          operator.dispatchPort(),
          operator.healthPort());
    } catch (StartupException | IllegalArgumentException e) {
      log.error("Cannot start: {}", e.getMessage());
      if (operator != null) {
        operator.close();
      }
      System.exit(2);
    }
  }
}
