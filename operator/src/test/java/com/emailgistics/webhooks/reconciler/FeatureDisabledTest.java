package com.emailgistics.webhooks.reconciler;

import static com.emailgistics.webhooks.testing.Resources.mailbox;
import static com.emailgistics.webhooks.testing.Resources.rule;
import static com.emailgistics.webhooks.testing.Resources.secret;
import static com.emailgistics.webhooks.testing.Resources.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With the default configuration the feature is off: conditions say so and nothing is sent. */
@ExtendWith(MockApiServer.class)
class FeatureDisabledTest {
  static KubernetesClient client;

  @Test
  void nothingIsDeliveredAndConditionsSaySo() throws Exception {
    OperatorConfig defaults = OperatorConfig.fromEnvironment(Map.of());
    assertThat(defaults.webhooksEnabled()).isFalse();
    try (HttpsEndpoint endpoint = new HttpsEndpoint();
        OperatorFixture operator = new OperatorFixture(client, defaults)) {
      client.resource(secret("admin", "ca", Map.of("ca.crt", endpoint.caPem()))).create();
      Webhook webhook =
          webhook(
              "admin",
              "crm",
              endpoint.url("/hook"),
              null,
              new NamespacedReference("team", "claims"));
      webhook.getSpec().setCaBundleRef(new SecretKeyReference("ca", "ca.crt"));
      client.resource(webhook).create();
      client.resource(mailbox("team", "claims")).create();
      client
          .resource(rule("team", "enrich", "claims", RuleAction.useWebhook("admin", "crm")))
          .create();

      StatusCondition ready =
          operator.awaitCondition(
              Webhook.class,
              "admin",
              "crm",
              w -> w.getStatus() == null ? null : w.getStatus().getConditions(),
              "Ready",
              c -> c != null);
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("WebhooksFeatureDisabled");
      Webhook current = client.resources(Webhook.class).inNamespace("admin").withName("crm").get();
      StatusCondition tested =
          Resources.condition(current.getStatus().getConditions(), "TestSucceeded").orElseThrow();
      assertThat(tested.getStatus()).isEqualTo("Unknown");
      assertThat(tested.getReason()).isEqualTo("WebhooksFeatureDisabled");
      assertThat(current.getStatus().getLastTest()).isNull();

      StatusCondition ruleReady =
          operator.awaitCondition(
              MailboxRule.class,
              "team",
              "enrich",
              r -> r.getStatus() == null ? null : r.getStatus().getConditions(),
              "Ready",
              c -> c != null);
      assertThat(ruleReady.getReason()).isEqualTo("WebhooksFeatureDisabled");

      HttpResponse<String> dispatched =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(operator.dispatchUrl() + "/v1/rules/team/enrich/messages"))
                      .header("Authorization", "Bearer " + OperatorFixture.DISPATCH_TOKEN)
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"id\":\"m\",\"from\":{\"emailAddress\":{\"address\":\"a@b.example\"}}}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(dispatched.statusCode()).isEqualTo(200);
      assertThat(dispatched.body())
          .contains("\"webhooksEnabled\":false")
          .contains("\"outcome\":\"NotAttempted\"")
          .contains("WebhooksFeatureDisabled: the webhooks feature is switched off");

      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> endpoint.requests().isEmpty());
    }
  }
}
