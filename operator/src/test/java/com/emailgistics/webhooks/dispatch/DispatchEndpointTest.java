package com.emailgistics.webhooks.dispatch;

import static com.emailgistics.webhooks.testing.DispatchClient.assertError;
import static com.emailgistics.webhooks.testing.DispatchClient.deliveryOf;
import static com.emailgistics.webhooks.testing.DispatchClient.json;
import static com.emailgistics.webhooks.testing.DispatchClient.message;
import static com.emailgistics.webhooks.testing.Resources.mailbox;
import static com.emailgistics.webhooks.testing.Resources.rule;
import static com.emailgistics.webhooks.testing.Resources.secret;
import static com.emailgistics.webhooks.testing.Resources.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleActionType;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.testing.DispatchClient;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.LogCapture;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import com.emailgistics.webhooks.testing.Schemas;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dispatch endpoint end to end on the mock API server: messages in, rules evaluated, real HTTPS
 * webhooks called, actions out; plus authentication and bad input.
 */
@ExtendWith(MockApiServer.class)
class DispatchEndpointTest {
  private static final String ADMIN = "admin";
  private static final String TEAM = "team";
  private static final String CRM_TOKEN = "crm-T0ken!value-0001";
  private static final ObjectMapper JSON = DispatchClient.JSON;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static KubernetesClient client;
  private static OperatorFixture operator;
  private static DispatchClient dispatch;
  private static HttpsEndpoint crm;
  private static HttpsEndpoint fraud;
  private static HttpsEndpoint restricted;

  @BeforeAll
  static void setUp() throws Exception {
    crm = new HttpsEndpoint();
    fraud = new HttpsEndpoint();
    restricted = new HttpsEndpoint();
    operator = new OperatorFixture(client, OperatorConfig.defaults().withWebhooksEnabled(true));
    dispatch = new DispatchClient(operator.dispatchUrl());
    NamespacedReference claims = new NamespacedReference(TEAM, "claims");
    createWebhook("crm", crm, CRM_TOKEN, claims).getSpec();
    createWebhook("fraud", fraud, null, claims);
    createWebhook("restricted", restricted, null, new NamespacedReference(TEAM, "other"));
    client.resource(mailbox(TEAM, "claims")).create();

    MailboxRule enrich =
        rule(TEAM, "a-enrich", "claims", RuleAction.useWebhook(ADMIN, "crm"), tagAction("Europe"));
    enrich.getSpec().setPriority(10);
    enrich
        .getSpec()
        .setConditions(
            new ArrayList<>(
                List.of(new RuleCondition(RuleConditionType.SubjectContains, "claim"))));
    client.resource(enrich).create();
    MailboxRule check = rule(TEAM, "b-fraud", "claims", RuleAction.useWebhook(ADMIN, "fraud"));
    check.getSpec().setPriority(20);
    check
        .getSpec()
        .setExceptions(
            new ArrayList<>(
                List.of(new RuleCondition(RuleConditionType.SenderDomainIs, "insurer.example"))));
    client.resource(check).create();
    MailboxRule denied =
        rule(TEAM, "c-denied", "claims", RuleAction.useWebhook(ADMIN, "restricted"));
    denied.getSpec().setPriority(30);
    denied
        .getSpec()
        .setConditions(
            new ArrayList<>(
                List.of(new RuleCondition(RuleConditionType.SubjectContains, "restricted"))));
    client.resource(denied).create();

    // Dispatch reads the informer caches: wait until they hold everything.
    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () ->
                dispatch
                        .post(
                            "/v1/mailboxes/claims@insurer.example/messages",
                            message("warm-up", "hello", "someone@insurer.example"))
                        .statusCode()
                    == 200);
  }

  @AfterAll
  static void tearDown() {
    operator.close();
    crm.close();
    fraud.close();
    restricted.close();
  }

  private static Webhook createWebhook(
      String name, HttpsEndpoint endpoint, String token, NamespacedReference mailbox) {
    client.resource(secret(ADMIN, name + "-ca", Map.of("ca.crt", endpoint.caPem()))).create();
    Webhook webhook =
        webhook(
            ADMIN, name, endpoint.url("/" + name), token == null ? null : name + "-token", mailbox);
    if (token != null) {
      client.resource(secret(ADMIN, name + "-token", Map.of("token", token))).create();
    }
    webhook.getSpec().setCaBundleRef(new SecretKeyReference(name + "-ca", "ca.crt"));
    webhook.getSpec().setIncludeMessageText(name.equals("crm"));
    webhook.getSpec().setIncludeCustomFields(name.equals("crm"));
    return client.resource(webhook).create();
  }

  private static RuleAction tagAction(String tag) {
    RuleAction action = new RuleAction();
    action.setType(RuleActionType.Tag);
    action.setTags(new ArrayList<>(List.of(tag)));
    return action;
  }

  @Test
  void matchingRulesDeliverInOrderAndTheirActionsComeBackInOrder() throws Exception {
    crm.respond(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(
                """
            {"status":"success","message":"enriched","actions":[
              {"type":"tag","name":"Mark VIP","value":{"tags":["VIP","Unknown"]}},
              {"type":"setCustomFields","value":{"claimNumber":"CLM-556677","notAField":"x"}},
              {"type":"teleport","value":{}}]}""")
            .headersDelay(300, TimeUnit.MILLISECONDS)
            .build());
    fraud.respond(
        200,
        """
        {"status":"success","message":"checked","actions":[
          {"type":"assign","value":{"mainAssignment":{"users":["joe cool","ghost"]}}}]}""");

    HttpResponse<String> response =
        dispatch.post(
            "/v1/mailboxes/Claims@Insurer.Example/messages",
            message("m-1", "About my claim", "pat@customer.example"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode report = json(response);
    assertThat(report.get("messageId").asText()).isEqualTo("m-1");
    assertThat(report.at("/mailbox/name").asText()).isEqualTo("claims");
    assertThat(report.get("rules"))
        .extracting(r -> r.get("name").asText() + ":" + r.get("matched").asBoolean())
        .containsExactly("a-enrich:true", "b-fraud:true", "c-denied:false");
    assertThat(report.at("/rules/2/reason").asText())
        .isEqualTo("condition conditions[0] (SubjectContains) did not match (match All)");
    assertThat(report.get("deliveries"))
        .extracting(d -> d.at("/webhook/name").asText() + ":" + d.get("outcome").asText())
        .containsExactly("crm:Succeeded", "fraud:Succeeded");
    assertThat(report.at("/deliveries/0/message").asText()).isEqualTo("enriched");
    assertThat(report.at("/deliveries/0/attempts").asInt()).isEqualTo(1);
    assertThat(report.at("/deliveries/0/httpStatus").asInt()).isEqualTo(200);
    assertThat(report.get("actions"))
        .extracting(a -> a.get("type").asText() + "@" + a.at("/source/rule").asText())
        .containsExactly(
            "tag@a-enrich", "setCustomFields@a-enrich", "tag@a-enrich", "assign@b-fraud");
    assertThat(report.at("/actions/0/value/tags"))
        .extracting(JsonNode::asText)
        .containsExactly("VIP");
    assertThat(report.at("/actions/0/source/webhook/name").asText()).isEqualTo("crm");
    assertThat(report.at("/actions/2/source/webhook").isMissingNode()).isTrue();
    assertThat(report.at("/actions/2/value/tags/0").asText()).isEqualTo("Europe");
    assertThat(report.at("/actions/1/value/claimNumber").asText()).isEqualTo("CLM-556677");
    assertThat(report.at("/actions/1/value/notAField").isMissingNode()).isTrue();
    assertThat(report.get("droppedActions"))
        .extracting(d -> d.get("type").asText())
        .containsExactly("teleport");

    RecordedRequest crmCall = deliveryOf(crm, "m-1");
    RecordedRequest fraudCall = deliveryOf(fraud, "m-1");
    assertThat(fraud.arrivalNanos(fraudCall) - crm.arrivalNanos(crmCall))
        .as("sequential: fraud called only after crm had answered (300 ms later)")
        .isGreaterThanOrEqualTo(300_000_000L);
    JsonNode crmPayload = JSON.readTree(crmCall.getBody().utf8());
    JsonNode fraudPayload = JSON.readTree(fraudCall.getBody().utf8());
    assertThat(crmPayload.get("mailbox").asText()).isEqualTo("claims@insurer.example");
    assertThat(crmPayload.get("bodyText").asText()).isEqualTo("Please update CLM-1");
    assertThat(crmPayload.at("/customFields/claimNumber").asText()).isEqualTo("CLM-1");
    assertThat(crmPayload.has("futureField")).isFalse();
    assertThat(fraudPayload.has("bodyText")).isFalse();
    assertThat(fraudPayload.has("customFields")).isFalse();
    assertThat(crmCall.getHeaders().get("Authorization")).isEqualTo("Bearer " + CRM_TOKEN);
    assertThat(fraudCall.getHeaders().get("Authorization")).isNull();
    assertThat(crmCall.getHeaders().get("User-Agent")).startsWith("Emailgistics/");
  }

  @Test
  void webhookNotListingTheMailboxIsNeverCalled() throws Exception {
    int before = restricted.requests().size();

    JsonNode report =
        json(
            dispatch.post(
                "/v1/mailboxes/claims@insurer.example/messages",
                message("m-2", "restricted topic", "someone@insurer.example")));

    JsonNode delivery = report.get("deliveries").get(0);
    assertThat(delivery.get("outcome").asText()).isEqualTo("NotAttempted");
    assertThat(delivery.get("message").asText())
        .startsWith(
            "WebhookNotAvailable: Webhook admin/restricted does not exist or does not list Mailbox team/claims");
    assertThat(delivery.get("attempts").asInt()).isZero();
    assertThat(restricted.requests()).hasSize(before);
  }

  @Test
  void ruleMatchedByAnExternalEngineIsDeliveredWithoutEvaluation() throws Exception {
    fraud.respond(200, "{\"status\":\"success\",\"message\":\"ok\"}");
    int before = fraud.requests().size();

    // b-fraud's exception (sender domain insurer.example) would stop it; the caller decided.
    JsonNode report =
        json(
            dispatch.post(
                "/v1/rules/team/b-fraud/messages", message("m-3", "x", "a@insurer.example")));

    assertThat(report.at("/rules/0/reason").asText()).isEqualTo("matched by the caller");
    assertThat(report.at("/deliveries/0/outcome").asText()).isEqualTo("Succeeded");
    assertThat(fraud.requests()).hasSize(before + 1);
  }

  @Test
  void eachFailedDeliveryAndDroppedActionIsOneStructuredLogLineWithoutTheSecret() throws Exception {
    try (LogCapture log = new LogCapture(DispatchService.class)) {
      fraud.respond(404, "gone");
      dispatch.post(
          "/v1/rules/team/b-fraud/messages", message("logged-1", "x", "a@customer.example"));
      crm.respond(
          200,
          "{\"status\":\"success\",\"message\":\"ok\",\"actions\":[{\"type\":\"archive\",\"name\":\"echo "
              + CRM_TOKEN
              + "\",\"value\":{}}]}");
      dispatch.post(
          "/v1/rules/team/a-enrich/messages", message("logged-2", "claim", "a@customer.example"));

      assertThat(log.fieldsOf("Delivery not successful"))
          .singleElement()
          .satisfies(
              fields ->
                  assertThat(fields)
                      .containsEntry("messageId", "logged-1")
                      .containsEntry("mailbox", "team/claims")
                      .containsEntry("rule", "b-fraud")
                      .containsEntry("webhook", "admin/fraud")
                      .containsEntry("outcome", "Failed")
                      .containsEntry("category", "HTTPStatus")
                      .containsEntry("attempts", "1")
                      .containsEntry("httpStatus", "404")
                      .containsKeys("durationMillis", "reason"));
      assertThat(log.fieldsOf("Action dropped"))
          .singleElement()
          .satisfies(
              fields ->
                  assertThat(fields)
                      .containsEntry("messageId", "logged-2")
                      .containsEntry("rule", "a-enrich")
                      .containsEntry("webhook", "admin/crm")
                      .containsEntry("index", "0")
                      .containsEntry("type", "archive")
                      .containsEntry("name", "echo [REDACTED]")
                      .containsKey("reason"));
      assertThat(log.fieldsOf("Action dropped").get(0).values())
          .noneMatch(value -> value.contains(CRM_TOKEN));
    } finally {
      fraud.respond(200, "{\"status\":\"success\",\"message\":\"ok\"}");
      crm.respond(200, "{\"status\":\"success\",\"message\":\"ok\"}");
    }
  }

  /**
   * Every metric the chart's alerts and dashboard query is one this operator exposes, so a renamed
   * meter cannot silently leave an alert without data.
   */
  @Test
  void everyMetricTheChartsAlertsAndDashboardReadIsExposed() throws Exception {
    fraud.respond(404, "gone");
    try {
      dispatch.post("/v1/rules/team/b-fraud/messages", message("m-1", "x", "a@customer.example"));
    } finally {
      fraud.respond(200, "{\"status\":\"success\",\"message\":\"ok\"}");
    }
    String metrics = operator.metrics();
    List<String> exposed =
        metrics
            .lines()
            .filter(line -> !line.startsWith("#"))
            .map(line -> line.split("[{ ]", 2)[0])
            .distinct()
            .toList();

    Path chart = Path.of("../helm/emailgistics-operator");
    for (Path file :
        List.of(
            chart.resolve("templates/42-prometheusrule.yaml"),
            chart.resolve("dashboards/emailgistics-webhooks.json"))) {
      Matcher used =
          Pattern.compile("\\b(emailgistics|jvm|process|operator_sdk)_[a-z_]+")
              .matcher(Files.readString(file));
      List<String> names = used.results().map(MatchResult::group).distinct().toList();
      assertThat(names).as(file + " queries metrics").hasSizeGreaterThan(5);
      assertThat(exposed).as("metrics read by " + file).containsAll(names);
    }
    assertThat(metrics)
        .contains("emailgistics_ready 1.0")
        .containsPattern("emailgistics_cached_objects\\{kind=\"Webhook\"\\} [1-9]")
        .containsPattern("emailgistics_cached_objects\\{kind=\"Secret\"\\} [1-9]")
        .contains("emailgistics_reconcile_errors_total{controller=\"webhook\"} 0.0")
        .containsPattern("emailgistics_dispatch_requests_seconds_count\\{status=\"200\"\\} [1-9]");
  }

  @Test
  void failuresAreRecordedInMetricsStatusAndOneEvent() throws Exception {
    fraud.respond(404, "gone");
    for (int i = 0; i < 3; i++) {
      JsonNode report =
          json(
              dispatch.post(
                  "/v1/rules/team/b-fraud/messages", message("f-" + i, "x", "a@customer.example")));
      assertThat(report.at("/deliveries/0/outcome").asText()).isEqualTo("Failed");
      assertThat(report.at("/deliveries/0/httpStatus").asInt()).isEqualTo(404);
    }

    // The history is read with a Kubernetes identity (ReadAccessE2ETest), never the dispatch token.
    assertError(
        dispatch.send(
            "/v1/webhooks/admin/fraud/deliveries",
            "GET",
            null,
            null,
            OperatorFixture.DISPATCH_TOKEN),
        403,
        "the dispatch token posts messages only: read delivery history with a Kubernetes token"
            + " allowed to get the Webhook");

    String metrics = operator.metrics();
    assertThat(metrics)
        .contains("emailgistics_deliveries_total{outcome=\"Failed\",webhook=\"admin/fraud\"}");
    assertThat(metrics).contains("emailgistics_delivery_duration_seconds_bucket");
    assertThat(metrics).contains("emailgistics_deliveries_in_flight");

    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () -> {
              Webhook current =
                  client.resources(Webhook.class).inNamespace(ADMIN).withName("fraud").get();
              return current.getStatus().getDeliveries() != null
                  && current.getStatus().getDeliveries().getFailed() >= 3;
            });
    assertThat(
            client
                .resources(Webhook.class)
                .inNamespace(ADMIN)
                .withName("fraud")
                .get()
                .getStatus()
                .getDeliveries()
                .getLastOutcome())
        .isEqualTo("Failed");
    assertThat(operator.events(ADMIN, "fraud"))
        .filteredOn(e -> "DeliveryFailed".equals(e.getReason()))
        .hasSize(1);
  }

  @Test
  void secretRotationAppliesToTheNextDelivery() throws Exception {
    String rotated = "r0tated-Crm!token-0002";
    client.resource(secret(ADMIN, "crm-token", Map.of("token", rotated))).update();
    crm.respond(200, "{\"status\":\"success\",\"message\":\"ok\"}");
    try {
      awaitDeliveriesWith(rotated);
    } finally {
      // The other tests expect the original token: restore it and wait until it is the one used,
      // or the next test may dispatch before the operator has seen the change.
      client.resource(secret(ADMIN, "crm-token", Map.of("token", CRM_TOKEN))).update();
      awaitDeliveriesWith(CRM_TOKEN);
    }
  }

  /** Posts messages until the CRM endpoint receives one with {@code token} as its bearer. */
  private static void awaitDeliveriesWith(String token) {
    AtomicInteger attempt = new AtomicInteger();
    await()
        .atMost(OperatorFixture.WAIT)
        .until(
            () -> {
              String id = "rot-" + token.hashCode() + "-" + attempt.incrementAndGet();
              dispatch.post(
                  "/v1/rules/team/a-enrich/messages", message(id, "claim", "p@customer.example"));
              return ("Bearer " + token)
                  .equals(deliveryOf(crm, id).getHeaders().get("Authorization"));
            });
  }

  /**
   * Dispatch keeps what it derived for an address once nothing has changed there for a second:
   * changes to a rule and to the Mailbox's address must still apply to the next messages.
   */
  @Test
  void changesApplyToMailboxesWhoseRulesDispatchHasSettledOn() throws Exception {
    client.resource(mailbox(TEAM, "settled")).create();
    MailboxRule tagging = rule(TEAM, "settled-tag", "settled", tagAction("VIP"));
    client.resource(tagging).create();
    String address = "/v1/mailboxes/settled@insurer.example/messages";
    await()
        .atMost(OperatorFixture.WAIT)
        .untilAsserted(() -> assertThat(taggedBy(address)).isEqualTo("VIP"));
    Thread.sleep(ChangeStamps.SETTLE_NANOS / 1_000_000 + 500);
    assertThat(taggedBy(address)).as("from what dispatch settled on").isEqualTo("VIP");

    tagging.getSpec().setActions(new ArrayList<>(List.of(tagAction("Europe"))));
    client.resource(tagging).update();
    await()
        .atMost(OperatorFixture.WAIT)
        .untilAsserted(() -> assertThat(taggedBy(address)).isEqualTo("Europe"));
    Thread.sleep(ChangeStamps.SETTLE_NANOS / 1_000_000 + 500);

    var moved = client.resources(Mailbox.class).inNamespace(TEAM).withName("settled").get();
    moved.getSpec().setAddress("moved@insurer.example");
    client.resource(moved).update();
    await()
        .atMost(OperatorFixture.WAIT)
        .untilAsserted(
            () -> {
              assertThat(dispatch.post(address, message("m", "s", "a@b.example")).statusCode())
                  .isEqualTo(404);
              assertThat(taggedBy("/v1/mailboxes/moved@insurer.example/messages"))
                  .isEqualTo("Europe");
            });
  }

  private static String taggedBy(String path) throws Exception {
    JsonNode report = json(dispatch.post(path, message("m-settled", "s", "a@b.example")));
    return report.at("/actions/0/value/tags/0").asText();
  }

  @Test
  void unknownMailboxIs404() throws Exception {
    HttpResponse<String> response =
        dispatch.post(
            "/v1/mailboxes/nobody@insurer.example/messages", message("m", "s", "a@b.example"));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("error").asText())
        .isEqualTo("No Mailbox with address nobody@insurer.example is known to the operator");
  }

  @Test
  void addressSharedByTwoMailboxesIsAConflictNamingBoth() throws Exception {
    for (String namespace : List.of("team-x", "team-y")) {
      var shared = mailbox(namespace, "shared");
      shared.getSpec().setAddress("shared@insurer.example");
      client.resource(shared).create();
    }

    await()
        .atMost(OperatorFixture.WAIT)
        .untilAsserted(
            () ->
                assertError(
                    dispatch.post(
                        "/v1/mailboxes/shared@insurer.example/messages",
                        message("m", "s", "a@b.example")),
                    409,
                    "The address shared@insurer.example belongs to several Mailboxes: team-x/shared, team-y/shared"));
  }

  @Test
  void callersMustPresentTheToken() throws Exception {
    String path = "/v1/mailboxes/claims@insurer.example/messages";
    assertThat(
            dispatch
                .send(path, "POST", message("m", "s", "a@b.example"), "application/json", null)
                .statusCode())
        .isEqualTo(401);
    HttpResponse<String> wrong =
        dispatch.send(path, "POST", message("m", "s", "a@b.example"), "application/json", "guess");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong).get("error").asText()).isEqualTo("missing or wrong bearer token");
    assertThat(
            dispatch
                .send("/v1/webhooks/admin/crm/deliveries", "GET", null, null, null)
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void badInputGetsA4xxNamingTheProblem() throws Exception {
    String path = "/v1/mailboxes/claims@insurer.example/messages";
    assertError(dispatch.post(path, "{\"id\": \"x\", "), 400, "malformed JSON");
    assertError(
        dispatch.post(path, "[1,2]"), 400, "the body must be a JSON object holding the message");
    assertError(
        dispatch.post(path, "{\"from\":{\"emailAddress\":{\"address\":\"a@b\"}}}"),
        400,
        "field 'id' is required");
    assertError(
        dispatch.post(
            path, "{\"id\":\"x\",\"from\":{\"emailAddress\":{\"address\":\"a@b\"}},\"subject\":7}"),
        400,
        "field 'subject' must be a string, not a number");
    assertError(
        dispatch.post(
            path,
            "{\"id\":\"x\",\"from\":{\"emailAddress\":{\"address\":\"a@b\"}},\"to\":[{\"emailAddress\":{\"address\":3}}]}"),
        400,
        "field 'to[0].emailAddress.address' must be a string, not a number");
    assertError(
        dispatch.post(
            path,
            "{\"id\":\"x\",\"from\":{\"emailAddress\":{\"address\":\"a@b\"}},\"hasAttachments\":\"yes\"}"),
        400,
        "field 'hasAttachments' must be true or false, not a string");
    assertError(
        dispatch.post(
            path,
            "{\"id\":\"x\",\"from\":{\"emailAddress\":{\"address\":\"a@b\"}},\"mailbox\":\"other@x.example\"}"),
        400,
        "field 'mailbox' (other@x.example) differs from the address of Mailbox team/claims (claims@insurer.example)");
    assertError(
        dispatch.post(
            "/v1/rules/team/a-enrich/messages",
            "{\"id\":\"x\",\"from\":{\"emailAddress\":{\"address\":\"a@b\"}},\"mailbox\":\"other@x.example\"}"),
        400,
        "field 'mailbox' (other@x.example) differs from the address of Mailbox team/claims (claims@insurer.example)");
    assertError(
        dispatch.send(path, "POST", "{}", "text/plain", OperatorFixture.DISPATCH_TOKEN),
        415,
        "Content-Type must be application/json");
    assertError(
        dispatch.send(path, "GET", null, null, OperatorFixture.DISPATCH_TOKEN),
        405,
        "method GET is not allowed here; use POST");
    assertError(
        dispatch.post(path, "{\"id\":\"" + "x".repeat(2 << 20) + "\"}"),
        413,
        "the body exceeds 1048576 bytes");
    assertError(dispatch.post("/v1/nothing", "{}"), 404, "no such endpoint: /v1/nothing");
    assertError(
        dispatch.post("/v1/rules/team/missing/messages", message("m", "s", "a@b.example")),
        404,
        "No MailboxRule team/missing");
  }

  @Test
  void inputThatOnceCausedA500OrWasSilentlyAcceptedGetsA400() throws Exception {
    String path = "/v1/mailboxes/claims@insurer.example/messages";
    String sender = "\"from\":{\"emailAddress\":{\"address\":\"a@b\"}}";
    assertError(
        dispatch.post(
            path, "{\"id\":\"x\"," + sender + ",\"customFields\":{\"claimNumber\":null}}"),
        400,
        "field 'customFields.claimNumber' must be a string, not null");
    assertError(
        dispatch.post(path, "{\"id\":\"x\"," + sender + ",\"to\":[null]}"),
        400,
        "field 'to[0]' must be an address, not null");
    assertError(
        dispatch.post(path, "{\"id\":\"a\",\"id\":\"b\"," + sender + "}"),
        400,
        "malformed JSON: Duplicate field 'id'");
    assertError(
        dispatch.post(
            path,
            "{\"id\":\"x\","
                + sender
                + ",\"deep\":"
                + "[".repeat(100_000)
                + "]".repeat(100_000)
                + "}"),
        400,
        "malformed JSON: Document nesting depth");
    assertError(
        dispatch.post(path, "{\"id\":\"x\"," + sender + ",\"" + "k".repeat(100_000) + "\":1}"),
        400,
        "malformed JSON: Name length");
    String body = message("m", "s", "a@b.example");
    String answer =
        raw(
            "POST /v1/mailboxes/%ZZ/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + OperatorFixture.DISPATCH_TOKEN
                + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n"
                + body);
    assertThat(answer)
        .startsWith("HTTP/1.1 400")
        .contains("application/json")
        .endsWith("{\"error\":\"malformed percent-escape in the path segment '%ZZ'\"}");
  }

  /**
   * Sends {@code request} as it is (clients refuse some malformed requests) and reads the answer.
   */
  private static String raw(String request) throws Exception {
    URI target = URI.create(operator.dispatchUrl());
    try (Socket socket = new Socket(target.getHost(), target.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void slowClientsHoldUpNobodyElse() throws Exception {
    URI target = URI.create(operator.dispatchUrl());
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket socket = new Socket(target.getHost(), target.getPort());
        socket
            .getOutputStream()
            .write(
                "POST /v1/mailboxes/claims@insurer.example/messages HTTP/1.1\r\nHost: x\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      fraud.respond(200, "{\"status\":\"success\",\"message\":\"ok\"}");
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        HttpResponse<String> answer =
            dispatch.post(
                "/v1/rules/team/b-fraud/messages", message("busy-" + i, "x", "a@customer.example"));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        slow.forEach(
            socket -> {
              try {
                socket.getOutputStream().write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
              } catch (java.io.IOException closed) {
                // cut off already
              }
            });
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void clientSendingItsHeadersTooSlowlyGets408AndIsCutOff() throws Exception {
    URI dispatch = URI.create(operator.dispatchUrl());
    try (Socket socket = new Socket(dispatch.getHost(), dispatch.getPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              "POST /v1/mailboxes/claims@insurer.example/messages HTTP/1.1\r\nHost: x\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(answer)
          .startsWith("HTTP/1.1 408 Request Timeout")
          .contains("the request head did not arrive in time");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofSeconds(9), Duration.ofSeconds(15));
    }
  }

  @Test
  void clientSendingItsBodyTooSlowlyGets408() throws Exception {
    URI dispatch = URI.create(operator.dispatchUrl());
    try (Socket socket = new Socket(dispatch.getHost(), dispatch.getPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("POST /v1/mailboxes/claims@insurer.example/messages HTTP/1.1\r\nHost: x\r\n"
                      + "Authorization: Bearer "
                      + OperatorFixture.DISPATCH_TOKEN
                      + "\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 100\r\n\r\n{\"id\":")
                  .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(answer)
          .startsWith("HTTP/1.1 408")
          .contains("the request body did not arrive within 10 s");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofSeconds(9), Duration.ofSeconds(15));
    }
  }

  @Test
  void oversizedHeadersAreRefused() throws Exception {
    URI dispatch = URI.create(operator.dispatchUrl());
    try (Socket socket = new Socket(dispatch.getHost(), dispatch.getPort())) {
      socket.setSoTimeout(30_000);
      String request =
          "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));

      String answer;
      try {
        answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      } catch (java.net.SocketException reset) {
        answer = "";
      }

      // Refused: the connection is dropped, or a 4xx comes back; never served, never a 5xx.
      assertThat(answer).matches("|HTTP/1\\.1 4\\d\\d");
    }
  }

  @Test
  void openApiDescriptionAndItsSchemasAreServedWithoutToken() throws Exception {
    HttpResponse<String> response = dispatch.send("/openapi.yaml", "GET", null, null, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(Files.readString(Path.of("../docs/dispatch-openapi.yaml")))
        .contains("/v1/mailboxes/{address}/messages");
    List<String> references = new ArrayList<>();
    Matcher reference =
        Pattern.compile("\\$ref: '(schemas/[a-z-]+\\.schema\\.json)'").matcher(response.body());
    while (reference.find()) {
      references.add(reference.group(1));
    }
    assertThat(references)
        .contains("schemas/dispatch-request.schema.json", "schemas/dispatch-answer.schema.json");
    try (var files = Files.list(Path.of("../docs/schemas"))) {
      for (Path file : files.toList()) {
        // Relative to /openapi.yaml, as a reader of the served document resolves them.
        HttpResponse<String> schema =
            dispatch.send("/schemas/" + file.getFileName(), "GET", null, null, null);
        assertThat(schema.statusCode()).as(file.toString()).isEqualTo(200);
        assertThat(schema.headers().firstValue("content-type")).hasValue("application/schema+json");
        assertThat(schema.body()).isEqualTo(Files.readString(file));
      }
    }
  }

  @Test
  void theDocumentedExampleMessageIsValidAgainstTheRequestSchema() {
    assertThat(Schemas.DISPATCH_REQUEST.problems(message("m", "subject", "pat@customer.example")))
        .isEmpty();
  }
}
