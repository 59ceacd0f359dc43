package com.emailgistics.webhooks.e2e.support;

import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.WebhookOperator;
import com.emailgistics.webhooks.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The operator in the test JVM, wired exactly as {@code OperatorMain} wires it: server-side apply
 * for status, configuration parsed from environment variables. It keeps running, restricted to its
 * test's namespaces, until the JVM ends; tests that must stop or kill an operator run it as an
 * {@link OperatorProcess}.
 */
public final class InProcessOperator {
  private final WebhookOperator operator;
  private final OperatorConfig config;

  private InProcessOperator(WebhookOperator operator, OperatorConfig config) {
    this.operator = operator;
    this.config = config;
  }

  /**
   * Creates, starts and waits until every informer has synced.
   *
   * @param env EMAILGISTICS_* variables; the health and dispatch ports default to 0 (any free port)
   */
  public static InProcessOperator start(KubernetesClient client, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("EMAILGISTICS_HEALTH_PORT", "0");
    all.putIfAbsent("EMAILGISTICS_DISPATCH_PORT", "0");
    OperatorConfig config = OperatorConfig.fromEnvironment(all);
    WebhookOperator operator = WebhookOperator.create(client, config, true, Clock.systemUTC());
    operator.start();
    await("operator informers synced").atMost(Duration.ofSeconds(60)).until(operator::isReady);
    return new InProcessOperator(operator, config);
  }

  public OperatorConfig config() {
    return config;
  }

  public boolean isReady() {
    return operator.isReady();
  }

  /** http://127.0.0.1:port of this operator's dispatch endpoint. */
  public String dispatchUrl() {
    return "http://127.0.0.1:" + operator.dispatchPort();
  }

  /** GET of a Webhook's delivery history with {@code bearer}. */
  public HttpResponse<String> history(String namespace, String webhook, String bearer)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        dispatchUrl()
                            + "/v1/webhooks/"
                            + namespace
                            + "/"
                            + webhook
                            + "/deliveries"))
                .header("Authorization", "Bearer " + bearer)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** What /metrics answers now. */
  public String metrics() throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + operator.healthPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
