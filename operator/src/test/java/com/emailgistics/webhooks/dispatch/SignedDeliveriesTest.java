package com.emailgistics.webhooks.dispatch;

import static com.emailgistics.webhooks.testing.DispatchClient.deliveryOf;
import static com.emailgistics.webhooks.testing.DispatchClient.message;
import static com.emailgistics.webhooks.testing.Resources.mailbox;
import static com.emailgistics.webhooks.testing.Resources.rule;
import static com.emailgistics.webhooks.testing.Resources.secret;
import static com.emailgistics.webhooks.testing.Resources.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookSigning;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.delivery.DeliverySigner;
import com.emailgistics.webhooks.testing.DispatchClient;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import com.emailgistics.webhooks.testing.Resources;
import com.emailgistics.webhooks.testing.StandardWebhooksVerifier;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import mockwebserver3.RecordedRequest;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deliveries and test deliveries signed as the Standard Webhooks specification describes, checked
 * by the specification's own Python library against what a real HTTPS endpoint received.
 */
@ExtendWith(MockApiServer.class)
class SignedDeliveriesTest {
  private static final String ADMIN = "admin";
  private static final String TEAM = "team";
  private static final String OLD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String NEW_SECRET = whsec("a fresh 32-byte signing secret!!");
  private static final String UNRELATED_SECRET = whsec("somebody else's signing secret!!");
  private static final String PATH = "/v1/mailboxes/claims@insurer.example/messages";

  static KubernetesClient client;
  private static OperatorFixture operator;
  private static DispatchClient dispatch;
  private static HttpsEndpoint receiver;

  @BeforeAll
  static void setUp() throws Exception {
    receiver = new HttpsEndpoint();
    operator = new OperatorFixture(client, OperatorConfig.defaults().withWebhooksEnabled(true));
    dispatch = new DispatchClient(operator.dispatchUrl());
    client.resource(secret(ADMIN, "receiver-ca", Map.of("ca.crt", receiver.caPem()))).create();
    // Rotation in progress: the old and the new secret both sign.
    client
        .resource(secret(ADMIN, "signing", Map.of("secrets", OLD_SECRET + " " + NEW_SECRET)))
        .create();
    client.resource(signedWebhook("signed", new SecretKeyReference("signing", "secrets"))).create();
    client.resource(mailbox(TEAM, "claims")).create();
    client
        .resource(rule(TEAM, "every-message", "claims", RuleAction.useWebhook(ADMIN, "signed")))
        .create();
  }

  private static String whsec(String key) {
    return "whsec_" + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.US_ASCII));
  }

  @AfterAll
  static void tearDown() {
    operator.close();
    receiver.close();
  }

  private static Webhook signedWebhook(String name, SecretKeyReference signing) {
    Webhook webhook =
        webhook(
            ADMIN, name, receiver.url("/" + name), null, new NamespacedReference(TEAM, "claims"));
    webhook.getSpec().setCaBundleRef(new SecretKeyReference("receiver-ca", "ca.crt"));
    webhook.getSpec().setSigning(new WebhookSigning(signing));
    return webhook;
  }

  @Test
  void theTestDeliveryIsSignedWithEverySecretAndVerifiesWithTheReferenceLibrary() throws Exception {
    operator.awaitCondition(
        Webhook.class,
        ADMIN,
        "signed",
        w -> w.getStatus() == null ? null : w.getStatus().getConditions(),
        "TestSucceeded",
        c -> "True".equals(c.getStatus()));
    RecordedRequest test =
        receiver.requests().stream()
            .filter(r -> r.getUrl().encodedPath().equals("/signed"))
            .filter(r -> r.getBody().utf8().contains("sample-message-0001"))
            .findFirst()
            .orElseThrow();

    assertThat(test.getHeaders().get("webhook-id")).startsWith("msg_test_");
    assertThat(StandardWebhooksVerifier.verify(OLD_SECRET, test)).isEqualTo("verified");
    assertThat(StandardWebhooksVerifier.verify(NEW_SECRET, test)).isEqualTo("verified");
    assertThat(StandardWebhooksVerifier.verify(UNRELATED_SECRET, test))
        .contains("No matching signature found");
    assertThat(
            StandardWebhooksVerifier.verify(
                NEW_SECRET, test, test.getBody().utf8().replace("sample", "tampered")))
        .contains("No matching signature found");
  }

  @Test
  void deliveriesAreSignedAndAMessageKeepsItsIdAcrossCallsSoReceiversCanDropReplays()
      throws Exception {
    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () ->
                dispatch.post(PATH, message("warm-up", "s", "pat@customer.example")).statusCode()
                        == 200
                    && receiver.requests().stream()
                        .anyMatch(r -> r.getBody().utf8().contains("warm-up")));

    assertThat(
            dispatch
                .post(PATH, message("AAMk-signed-1", "claim", "pat@customer.example"))
                .statusCode())
        .isEqualTo(200);
    RecordedRequest first = deliveryOf(receiver, "AAMk-signed-1");
    assertThat(first.getHeaders().get("webhook-id"))
        .isEqualTo(DeliverySigner.deliveryId("AAMk-signed-1"));
    assertThat(Long.parseLong(first.getHeaders().get("webhook-timestamp")))
        .isCloseTo(System.currentTimeMillis() / 1000, Offset.offset(60L));
    assertThat(first.getHeaders().get("Authorization")).isNull();
    assertThat(StandardWebhooksVerifier.verify(NEW_SECRET, first)).isEqualTo("verified");
  }

  @Test
  void anInvalidSigningSecretMakesTheWebhookNotReadyWithoutShowingIt() {
    client
        .resource(
            secret(ADMIN, "bad-signing", Map.of("secrets", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
        .create();
    client
        .resource(signedWebhook("badly-signed", new SecretKeyReference("bad-signing", "secrets")))
        .create();

    StatusCondition ready =
        operator.awaitCondition(
            Webhook.class,
            ADMIN,
            "badly-signed",
            w -> w.getStatus() == null ? null : w.getStatus().getConditions(),
            "Ready",
            c -> "False".equals(c.getStatus()));

    assertThat(ready.getReason()).isEqualTo("InvalidSigningSecret");
    assertThat(ready.getMessage())
        .isEqualTo(
            "signing.secretRef "
                + new SecretKeyReference("bad-signing", "secrets")
                + ": the signing secret does not start with whsec_")
        .doesNotContain("MfKQ");
    assertThat(
            Resources.condition(
                client
                    .resources(Webhook.class)
                    .inNamespace(ADMIN)
                    .withName("badly-signed")
                    .get()
                    .getStatus()
                    .getConditions(),
                "TestSucceeded"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isNotEqualTo("True"));
  }
}
