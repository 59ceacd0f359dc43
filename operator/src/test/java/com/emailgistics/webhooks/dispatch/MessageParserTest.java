package com.emailgistics.webhooks.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.emailgistics.webhooks.delivery.PayloadOptions;
import com.emailgistics.webhooks.delivery.PayloadWriter;
import com.emailgistics.webhooks.message.BodyText;
import com.emailgistics.webhooks.message.Message;
import com.emailgistics.webhooks.testing.DispatchClient;
import com.emailgistics.webhooks.testing.Schemas;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the dispatch endpoint accepts as a message, what it derives, and the 400 it gives otherwise.
 * Every case also checks that docs/schemas/dispatch-request.schema.json gives the same verdict, so
 * the documented contract and the parser cannot drift apart.
 */
class MessageParserTest {
  private static final Instant ARRIVAL = Instant.parse("2026-12-02T10:00:00Z");
  private static final MessageParser PARSER =
      new MessageParser(Clock.fixed(ARRIVAL, ZoneOffset.UTC));
  private static final String FROM =
      "\"from\":{\"emailAddress\":{\"name\":\"Pat\",\"address\":\"pat@customer.example\"}}";

  static Stream<Arguments> badMessages() {
    String address = "{\"emailAddress\":{\"address\":\"pat@customer.example\"}}";
    return Stream.of(
        bad("[1,2]", "the body must be a JSON object holding the message"),
        bad("\"text\"", "the body must be a JSON object holding the message"),
        bad("{" + FROM + "}", "field 'id' is required"),
        bad("{\"id\":\"  \"," + FROM + "}", "field 'id' is required"),
        bad("{\"id\":7," + FROM + "}", "field 'id' must be a string, not a number"),
        bad("{\"id\":\"m\"}", "field 'from' (or 'sender') is required"),
        bad(
            "{\"id\":\"m\",\"from\":null,\"sender\":null}",
            "field 'from' (or 'sender') is required"),
        bad("{\"id\":\"m\",\"from\":\"pat@customer.example\"}", "field 'from' must be an object"),
        bad(
            "{\"id\":\"m\",\"from\":{\"emailAddress\":{}}}",
            "field 'from.emailAddress.address' is required"),
        bad(
            "{\"id\":\"m\",\"from\":{\"emailAddress\":{\"address\":\"not-an-address\"}}}",
            "field 'from.emailAddress.address' must be an email address such as pat@customer.example, not 'not-an-address'"),
        bad(
            "{\"id\":\"m\",\"from\":{\"emailAddress\":{\"address\":\"pat @customer.example\"}}}",
            "field 'from.emailAddress.address' must be an email address"),
        bad(
            "{\"id\":\"m\",\"from\":{\"emailAddress\":{\"address\":\"pat@customer..example\"}}}",
            "field 'from.emailAddress.address' must be an email address"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"sender\":{\"emailAddress\":{\"address\":\"a@b@c\"}}}",
            "field 'sender.emailAddress.address' must be an email address"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"to\":[" + address + ",null]}",
            "field 'to[1]' must be an address, not null"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"cc\":[{\"emailAddress\":{\"address\":\"x\"}}]}",
            "field 'cc[0].emailAddress.address' must be an email address"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"to\":{}}",
            "field 'to' must be an array of addresses, not an object"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"received\":\"yesterday\"}",
            "field 'received' must be an RFC 3339 date-time such as 2025-03-14T15:09:26Z, not 'yesterday'"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"received\":\"2025-02-30T10:00:00Z\"}",
            "field 'received' must be an RFC 3339"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"received\":\"2025-03-14 15:09:26\"}",
            "field 'received' must be an RFC 3339"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"timestamp\":\"2025-03-14T15:09:26\"}",
            "field 'timestamp' must be an RFC 3339"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"timestamp\":12}",
            "field 'timestamp' must be a string, not a number"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"hasAttachments\":\"yes\"}",
            "field 'hasAttachments' must be true or false, not a string"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"customFields\":{\"claimNumber\":null}}",
            "field 'customFields.claimNumber' must be a string, not null"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"customFields\":[]}",
            "field 'customFields' must be an object of strings, not an array"),
        bad(
            "{\"id\":\"m\"," + FROM + ",\"bodyText\":\"a\",\"bodyHtml\":\"<p>a</p>\"}",
            "give the body as 'bodyText' or as 'bodyHtml', not both"),
        bad("{\"id\":\"a\",\"id\":\"b\"," + FROM + "}", "malformed JSON: Duplicate field 'id'"),
        bad("{\"id\":\"m\"," + FROM, "malformed JSON"),
        bad("{\"id\":\"m\"," + FROM + "} {}", "malformed JSON: content after the message object"));
  }

  private static Arguments bad(String body, String error) {
    return Arguments.of(body, error);
  }

  @ParameterizedTest
  @MethodSource("badMessages")
  void badMessagesGetA400NamingTheProblemAndBreakTheSchema(String body, String error) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(DispatchException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageStartingWith(error);
    if (error.startsWith("malformed JSON") || error.startsWith("the body must")) {
      return; // not a JSON object: nothing for the schema to say
    }
    assertThat(Schemas.DISPATCH_REQUEST.problems(body)).as(body).isNotEmpty();
  }

  @Test
  void aMinimalMessageGetsEveryFieldThePayloadPromises() throws Exception {
    String body =
        "{\"id\":\"m1\",\"sender\":{\"emailAddress\":{\"address\":\"pat@customer.example\"}},"
            + "\"subject\":null,\"to\":null,\"internetMessageId\":null}";
    assertThat(Schemas.DISPATCH_REQUEST.problems(body)).isEmpty();

    Message message = parse(body);

    assertThat(message.event()).isEqualTo("received");
    assertThat(message.received()).isEqualTo("2026-12-02T10:00:00Z");
    assertThat(message.timestamp()).isEqualTo("2026-12-02T10:00:00Z");
    assertThat(message.internetMessageId()).isEmpty();
    assertThat(message.conversationId()).isEmpty();
    assertThat(message.subject()).isEmpty();
    assertThat(message.from()).isEqualTo(message.sender());
    assertThat(message.sender().name()).isEmpty();
    assertThat(message.to()).isEmpty();
    assertThat(message.bodyText()).isNull();
    String payload = payload(message);
    assertThat(payload).doesNotContain("null");
    assertThat(Schemas.WEBHOOK_PAYLOAD.problems(payload)).isEmpty();
  }

  @Test
  void givenValuesAreKept() throws Exception {
    String body =
        "{\"id\":\"m2\",\"event\":\"received\",\"internetMessageId\":\"<a@b>\",\"received\":\"2025-03-14T15:09:26.5+01:00\","
            + FROM
            + ",\"timestamp\":\"2025-03-14T15:09:27Z\",\"conversationId\":\"2L8WYB89Z\",\"subject\":\"Claim\","
            + "\"hasAttachments\":true,\"bodyText\":\"Hello\",\"customFields\":{\"claimNumber\":\"CLM-1\"},\"future\":{\"x\":[1]}}";
    assertThat(Schemas.DISPATCH_REQUEST.problems(body)).isEmpty();

    Message message = parse(body);

    assertThat(message.received()).isEqualTo("2025-03-14T15:09:26.5+01:00");
    assertThat(message.timestamp()).isEqualTo("2025-03-14T15:09:27Z");
    assertThat(message.sender()).isEqualTo(message.from());
    assertThat(message.from().name()).isEqualTo("Pat");
    assertThat(message.bodyText()).isEqualTo("Hello");
    assertThat(message.customFields()).containsEntry("claimNumber", "CLM-1");
    assertThat(Schemas.WEBHOOK_PAYLOAD.problems(payload(message))).isEmpty();
  }

  @Test
  void anHtmlBodyIsDeliveredAsItsPlainText() throws Exception {
    String html =
        "<html><head><title>t</title><style>p{color:red}</style></head><body><h1>Claim  update</h1>"
            + "<p>Hello&nbsp;team,<br>please see <b>CLM-1</b>.</p><script>alert(1)</script><ul><li>one</li><li>two</li></ul>"
            + "</body></html>";
    Message message =
        parse(
            "{\"id\":\"m3\","
                + FROM
                + ",\"bodyHtml\":"
                + DispatchClient.JSON.writeValueAsString(html)
                + "}");

    assertThat(message.bodyText())
        .isEqualTo("Claim update\nHello team,\nplease see CLM-1.\none\ntwo");
  }

  @Test
  void deeplyNestedHtmlIsConvertedWithoutRecursion() throws Exception {
    String html = "<div>".repeat(100_000) + "deep" + "</div>".repeat(100_000);
    Message message = parse("{\"id\":\"m6\"," + FROM + ",\"bodyHtml\":\"" + html + "\"}");

    assertThat(message.bodyText()).isEqualTo("deep");
  }

  @Test
  void bodyTextIsCutToTheDocumentedSizeWithoutSplittingACharacter() throws Exception {
    String emoji = "\uD83D\uDE00";
    String text = "a".repeat(BodyText.MAX_CHARS - 1) + emoji + "tail";
    Message message = parse("{\"id\":\"m4\"," + FROM + ",\"bodyText\":\"" + text + "\"}");

    assertThat(message.bodyText()).hasSize(BodyText.MAX_CHARS - 1).doesNotContain("\uD83D");
    Message html =
        parse(
            "{\"id\":\"m5\","
                + FROM
                + ",\"bodyHtml\":\"<p>"
                + "b".repeat(BodyText.MAX_CHARS + 10)
                + "</p>\"}");
    assertThat(html.bodyText()).hasSize(BodyText.MAX_CHARS);
    assertThat(Schemas.WEBHOOK_PAYLOAD.problems(payload(html))).isEmpty();
  }

  @Test
  void errorsQuoteAtMostAnExcerptOfTheCallersValue() {
    String huge = "x".repeat(100_000);
    assertThatThrownBy(() -> parse("{\"id\":\"m\"," + FROM + ",\"received\":\"" + huge + "\"}"))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).endsWith("…'"));
  }

  private static Message parse(String body) throws DispatchException {
    return PARSER.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private static String payload(Message message) {
    return PayloadWriter.write(
            message.withMailbox("claims@insurer.example"), new PayloadOptions(true, true))
        .toString(StandardCharsets.UTF_8);
  }
}
