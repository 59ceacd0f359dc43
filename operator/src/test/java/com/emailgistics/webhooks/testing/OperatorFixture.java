package com.emailgistics.webhooks.testing;

import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.WebhookOperator;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.api.StatusCondition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
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

  /** Status is patched without server-side apply: the fabric8 mock server does not support it. */
  public OperatorFixture(KubernetesClient client, OperatorConfig config) {
    this.client = client;
    this.operator = WebhookOperator.create(client, config, false, Clock.systemUTC());
    operator.start();
    await().atMost(WAIT).until(operator::isReady);
  }

  /** Waits until the object's condition of {@code type} satisfies {@code check}, and returns it. */
  public <T extends HasMetadata> StatusCondition awaitCondition(
      Class<T> kind, String namespace, String name, Function<T, List<StatusCondition>> conditions,
      String type, Predicate<StatusCondition> check) {
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
