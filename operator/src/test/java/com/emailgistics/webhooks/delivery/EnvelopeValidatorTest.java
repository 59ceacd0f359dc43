package com.emailgistics.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeValidatorTest {
  private static EnvelopeVerdict validate(int status, String body) {
    return validate(status, body, Optional.empty());
  }

  private static EnvelopeVerdict validate(int status, String body, Optional<String> secret) {
    return EnvelopeValidator.validate(
        status, body == null ? null : body.getBytes(StandardCharsets.UTF_8), new Redactor(secret));
  }

  @Test
  void successCarriesTheActionsInOrder() {
    EnvelopeVerdict verdict =
        validate(
            200,
            """
        {"status":"success","message":"done","unknownField":1,"actions":[
          {"type":"tag","value":{"tags":["VIP"]}},{"type":"assign","name":"A","value":{}}]}""");

    assertThat(verdict.outcome()).isEqualTo(Outcome.Succeeded);
    assertThat(verdict.message()).isEqualTo("done");
    assertThat(verdict.actions())
        .extracting(a -> a.get("type").asText())
        .containsExactly("tag", "assign");
  }

  @Test
  void successWithoutActionsHasNone() {
    assertThat(
            validate(
                    200,
                    "{\"status\":\"success\",\"message\":\"No CRM record; nothing to enrich.\"}")
                .actions())
        .isEmpty();
  }

  @Test
  void errorStatusIgnoresActionsAndKeepsTheMessageVerbatim() {
    EnvelopeVerdict verdict =
        validate(
            200,
            "{\"status\":\"error\",\"message\":\"CRM service unavailable.\",\"actions\":[{\"type\":\"tag\"}]}");

    assertThat(verdict.outcome()).isEqualTo(Outcome.EndpointError);
    assertThat(verdict.message()).isEqualTo("CRM service unavailable.");
    assertThat(verdict.actions()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "201 | {\"status\":\"success\",\"message\":\"m\"} | HTTPStatus",
        "404 | not found | HTTPStatus",
        "301 | '' | HTTPStatus",
        "200 | {\"status\":\"success\" | MalformedJSON",
        "200 | '' | MalformedJSON",
        "200 | [1,2] | MalformedJSON",
        "200 | {\"status\":\"success\",\"message\":\"m\"} trailing | MalformedJSON",
        "200 | {\"message\":\"m\"} | MissingFields",
        "200 | {\"status\":\"success\",\"message\":7} | MissingFields",
        "200 | {\"status\":\"Success\",\"message\":\"m\"} | InvalidStatus",
        "200 | {\"status\":\"ok\",\"message\":\"m\",\"actions\":[{\"type\":\"tag\"}]} | InvalidStatus",
      })
  void failuresAreCategorised(int status, String body, Outcome expected) {
    EnvelopeVerdict verdict = validate(status, body);
    assertThat(verdict.outcome()).isEqualTo(expected);
    assertThat(verdict.actions()).isEmpty();
  }

  @Test
  void missingFieldsAreNamed() {
    assertThat(validate(200, "{}").message())
        .isEqualTo("Response lacks the required string field(s): status, message");
  }

  @Test
  void redirectsSayTheyAreNotFollowed() {
    assertThat(validate(307, "").message())
        .isEqualTo("Endpoint answered HTTP 307 (expected 200); redirects are not followed");
  }

  @Test
  void oversizedBodyIsMalformed() {
    EnvelopeVerdict verdict = validate(200, null);
    assertThat(verdict.outcome()).isEqualTo(Outcome.MalformedJSON);
    assertThat(verdict.message()).isEqualTo("Response body exceeds 1048576 bytes");
  }

  @Test
  void longErrorBodiesAreShortened() {
    String message = validate(500, "x".repeat(1000)).message();
    assertThat(message)
        .startsWith("Endpoint answered HTTP 500 (expected 200): xxx")
        .endsWith("...");
    assertThat(message.length()).isLessThan(260);
  }

  @ParameterizedTest
  @ValueSource(ints = {150, 190, 195, 199, 200, 205})
  void noPartOfTheSecretShowsInAnExcerptWhereverTheCutFalls(int offset) {
    String secret = "S3cr3t-Token-0123456789";
    String body = "x".repeat(offset) + secret + "y".repeat(300);

    String message = validate(500, body, Optional.of(secret)).message();

    assertThat(message)
        .doesNotContain(secret.substring(0, 3))
        .startsWith("Endpoint answered HTTP 500 (expected 200): xxx")
        .endsWith("...");
  }

  @Test
  void aSecretEchoedInsideAJsonStringIsMaskedToo() {
    String secret = "a\"quoted\\token-0123456789";
    String body =
        "{\"error\":\"bad token " + secret.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";

    String message = validate(401, body, Optional.of(secret)).message();

    assertThat(message)
        .isEqualTo(
            "Endpoint answered HTTP 401 (expected 200): {\"error\":\"bad token [REDACTED]\"}");
  }
}
