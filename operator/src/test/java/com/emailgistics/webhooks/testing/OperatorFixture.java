package com.emailgistics.webhooks.testing;

import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.WebhookOperator;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** The operator running in-process against a (mock) API server, plus waiting helpers. */
public final class OperatorFixture implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final WebhookOperator operator;

  public static final String DISPATCH_TOKEN = "dispatch-T0ken!for-tests";

  /**
   * Status is patched without server-side apply: the fabric8 mock server does not support it.
   * Dispatch and health listen on free ports; the dispatch token is {@link #DISPATCH_TOKEN}.
   */
  public OperatorFixture(KubernetesClient client, OperatorConfig config) {
    this.client = client;
    try {
      Path token = Files.createTempFile("dispatch-token", "");
      Files.writeString(token, DISPATCH_TOKEN + "\n");
      token.toFile().deleteOnExit();
      this.operator =
          WebhookOperator.create(
              client, config.withEphemeralPorts(token), false, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    operator.start();
    await().atMost(WAIT).until(operator::isReady);
  }

  /** http://127.0.0.1:port of the dispatch endpoint. */
  public String dispatchUrl() {
    return "http://127.0.0.1:" + operator.dispatchPort();
  }

  public String metricsUrl() {
    return healthUrl() + "/metrics";
  }

  /** The Prometheus text of /metrics. */
  public String metrics() throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(metricsUrl())).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The value of a gauge or counter in /metrics, e.g. {@code name{label="value"}}. */
  public double metric(String nameAndLabels) throws IOException, InterruptedException {
    return metrics()
        .lines()
        .filter(line -> line.startsWith(nameAndLabels + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(nameAndLabels.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(nameAndLabels + " is not in /metrics"));
  }

  /** The sum of a metric's series that carry {@code label}, e.g. {@code kind="MailboxRule"}. */
  public double metricSum(String name, String label) throws IOException, InterruptedException {
    return metrics()
        .lines()
        .filter(line -> line.startsWith(name + "{") && line.contains(label))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** http://127.0.0.1:port of /healthz, /readyz and /metrics. */
  public String healthUrl() {
    return "http://127.0.0.1:" + operator.healthPort();
  }

  /** Prunes the derived state of deleted objects now rather than within the minute. */
  public void forgetDeleted() {
    operator.forgetDeleted();
  }

  /** What SIGTERM does: drain dispatch, then stop. */
  public void shutdownGracefully() {
    operator.shutdown();
  }

  /** Waits until the object's condition of {@code type} satisfies {@code check}, and returns it. */
  public <T extends HasMetadata> StatusCondition awaitCondition(
      Class<T> kind,
      String namespace,
      String name,
      Function<T, List<StatusCondition>> conditions,
      String type,
      Predicate<StatusCondition> check) {
    return await()
        .atMost(WAIT)
        .until(
            () -> {
              T object = client.resources(kind).inNamespace(namespace).withName(name).get();
              if (object == null || conditions.apply(object) == null) {
                return null;
              }
              return Resources.condition(conditions.apply(object), type).orElse(null);
            },
            condition -> condition != null && check.test(condition));
  }

  /** Waits until the MailboxRule's Ready condition has {@code reason}, and returns it. */
  public StatusCondition awaitRuleReady(String namespace, String name, String reason) {
    return awaitCondition(
        MailboxRule.class,
        namespace,
        name,
        r -> r.getStatus() == null ? null : r.getStatus().getConditions(),
        "Ready",
        c -> reason.equals(c.getReason()));
  }

  public List<Event> events(String namespace, String objectName) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(event -> objectName.equals(event.getInvolvedObject().getName()))
        .toList();
  }

  @Override
  public void close() {
    operator.close();
  }
}
