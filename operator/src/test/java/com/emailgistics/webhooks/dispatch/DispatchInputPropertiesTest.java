package com.emailgistics.webhooks.dispatch;

import static com.emailgistics.webhooks.testing.Resources.mailbox;
import static com.emailgistics.webhooks.testing.Resources.rule;
import static com.emailgistics.webhooks.testing.Resources.secret;
import static com.emailgistics.webhooks.testing.Resources.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.testing.DispatchClient;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever arrives, the dispatch endpoint answers 2xx or 4xx JSON, never a 5xx or nothing, and
 * serves the next valid message; what it accepts reaches the webhook as a payload valid against
 * docs/schemas/webhook-payload.schema.json (checked by the endpoint) and is answered with a report
 * valid against dispatch-answer.schema.json (checked by the client).
 */
class DispatchInputPropertiesTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String PATH = "/v1/mailboxes/claims@insurer.example/messages";
  private static final List<String> FIELDS =
      List.of(
          "id",
          "event",
          "internetMessageId",
          "received",
          "mailbox",
          "sender",
          "from",
          "to",
          "cc",
          "subject",
          "hasAttachments",
          "timestamp",
          "conversationId",
          "bodyText",
          "bodyHtml",
          "customFields",
          "emailAddress",
          "address",
          "name");
  private static final AtomicInteger IDS = new AtomicInteger();

  private static MockApiServer.Running apiServer;
  private static OperatorFixture operator;
  private static HttpsEndpoint crm;
  private static DispatchClient dispatch;

  @BeforeContainer
  static void start() throws Exception {
    apiServer = MockApiServer.start();
    var client = apiServer.client();
    crm = new HttpsEndpoint();
    operator = new OperatorFixture(client, OperatorConfig.defaults().withWebhooksEnabled(true));
    dispatch = new DispatchClient(operator.dispatchUrl());
    client.resource(secret("admin", "crm-ca", Map.of("ca.crt", crm.caPem()))).create();
    Webhook webhook =
        webhook("admin", "crm", crm.url("/crm"), null, new NamespacedReference("team", "claims"));
    webhook.getSpec().setCaBundleRef(new SecretKeyReference("crm-ca", "ca.crt"));
    webhook.getSpec().setIncludeMessageText(true);
    webhook.getSpec().setIncludeCustomFields(true);
    client.resource(webhook).create();
    client.resource(mailbox("team", "claims")).create();
    client
        .resource(rule("team", "every-message", "claims", RuleAction.useWebhook("admin", "crm")))
        .create();
    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () -> {
              HttpResponse<String> answer = dispatch.post(PATH, validMessage());
              return answer.statusCode() == 200
                  && DispatchClient.json(answer).path("deliveries").size() == 1;
            });
  }

  @AfterContainer
  static void stop() throws Exception {
    operator.close();
    crm.close();
    apiServer.close();
  }

  @Property(tries = 250)
  void arbitraryJsonIsAnsweredWithJsonAndNeverBreaksTheServer(@ForAll("anyJson") JsonNode document)
      throws Exception {
    assertAnsweredAndStillServing(document.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 400)
  void mutatedMessagesAreAnsweredWithJsonAndNeverBreakTheServer(
      @ForAll("mutatedMessages") byte[] body) throws Exception {
    assertAnsweredAndStillServing(body);
  }

  private static void assertAnsweredAndStillServing(byte[] body) throws Exception {
    HttpResponse<String> answer = dispatch.post(PATH, body);
    Statistics.collect(answer.statusCode());
    String shown = new String(body, StandardCharsets.UTF_8);
    assertThat(answer.statusCode()).as(shown).isBetween(200, 499);
    assertThat(answer.headers().firstValue("content-type")).as(shown).hasValue("application/json");
    JsonNode json = DispatchClient.json(answer);
    if (answer.statusCode() >= 400) {
      assertThat(json.path("error").isTextual()).as(answer.body()).isTrue();
    }
    assertThat(dispatch.post(PATH, validMessage()).statusCode()).isEqualTo(200);
    assertThat(crm.payloadSchemaViolations()).isEmpty();
  }

  private static String validMessage() {
    return DispatchClient.message(
        "valid-" + IDS.incrementAndGet(), "claim", "pat@customer.example");
  }

  @Provide
  Arbitrary<JsonNode> anyJson() {
    return json(4);
  }

  /** A valid message with one field replaced, removed or added, or its bytes damaged. */
  @Provide
  Arbitrary<byte[]> mutatedMessages() {
    Arbitrary<byte[]> fieldChanges =
        Combinators.combine(Arbitraries.of(FIELDS), json(3), Arbitraries.integers().between(0, 3))
            .as(
                (field, value, kind) -> {
                  ObjectNode message = parsedValidMessage();
                  ObjectNode target =
                      switch (kind) {
                        case 0 -> message;
                        case 1 -> (ObjectNode) message.get("from").get("emailAddress");
                        case 2 -> (ObjectNode) message.get("to").get(0);
                        default -> (ObjectNode) message.get("customFields");
                      };
                  if (value.isMissingNode()) {
                    target.remove(field);
                  } else {
                    target.set(field, value);
                  }
                  return message.toString().getBytes(StandardCharsets.UTF_8);
                });
    Arbitrary<byte[]> byteDamage =
        Combinators.combine(
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.of(
                    "",
                    "\u00ff",
                    "\"",
                    "\\",
                    "{",
                    "]",
                    ",\"id\":\"dup\"",
                    "\\ud800",
                    "\\uZZZZ",
                    "\u0000"),
                Arbitraries.bytes(),
                Arbitraries.integers().between(0, 2))
            .as(
                (position, insert, rawByte, kind) -> {
                  byte[] valid = validMessage().getBytes(StandardCharsets.UTF_8);
                  int at = position % (valid.length + 1);
                  byte[] inserted =
                      kind == 2
                          ? new byte[] {rawByte}
                          : insert.getBytes(StandardCharsets.ISO_8859_1);
                  byte[] tail =
                      kind == 1 ? new byte[0] : Arrays.copyOfRange(valid, at, valid.length);
                  byte[] damaged = Arrays.copyOf(valid, at + inserted.length + tail.length);
                  System.arraycopy(inserted, 0, damaged, at, inserted.length);
                  System.arraycopy(tail, 0, damaged, at + inserted.length, tail.length);
                  return damaged;
                });
    return Arbitraries.oneOf(fieldChanges, byteDamage);
  }

  private static ObjectNode parsedValidMessage() {
    try {
      return (ObjectNode) DispatchClient.JSON.readTree(validMessage());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Any JSON value up to {@code depth} levels deep, plus "missing" (remove the field). */
  private static Arbitrary<JsonNode> json(int depth) {
    Arbitrary<JsonNode> leaves =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(30).map(NODES::textNode),
            Arbitraries.of(
                    "2025-03-14T15:09:26Z",
                    "2025-13-01T00:00:00Z",
                    "pat@customer.example",
                    "not-an-address",
                    "claims@insurer.example",
                    "",
                    " ",
                    "<p>hello<br>there</p>")
                .map(NODES::textNode),
            Arbitraries.integers().map(NODES::numberNode),
            Arbitraries.doubles().map(NODES::numberNode),
            Arbitraries.of(
                NODES.booleanNode(true),
                NODES.booleanNode(false),
                NODES.nullNode(),
                NODES.missingNode()));
    if (depth == 0) {
      return leaves;
    }
    Arbitrary<JsonNode> arrays =
        json(depth - 1)
            .filter(node -> !node.isMissingNode())
            .list()
            .ofMaxSize(4)
            .map(
                items -> {
                  ArrayNode array = NODES.arrayNode();
                  items.forEach(array::add);
                  return array;
                });
    Arbitrary<JsonNode> objects =
        Arbitraries.maps(
                Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(8)),
                json(depth - 1).filter(node -> !node.isMissingNode()))
            .ofMaxSize(5)
            .map(
                fields -> {
                  ObjectNode object = NODES.objectNode();
                  fields.forEach(object::set);
                  return object;
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, leaves),
        net.jqwik.api.Tuple.of(1, arrays),
        net.jqwik.api.Tuple.of(2, objects));
  }
}
