package com.emailgistics.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmallPartsTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {
        "NULL, NoSecret",
        "'', NoSecret",
        "Ab1!Ab1!Ab1!Ab1, SecretTooShort",
        "Ab1!Ab1!Ab1!Ab1!, Strong",
        "abcdefghijklmnop1, SecretNotMixed",
        "abcdefghijklmnop!, SecretNotMixed",
        "1234567890123456!, SecretNotMixed",
      })
  void secretQuality(String secret, SecretQuality expected) {
    assertThat(SecretQuality.assess(secret)).isEqualTo(expected);
  }

  @Test
  void actionSummaryCountsTypesAndNames() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertThat(ActionSummary.describe(List.of())).isEqualTo("0 actions");
    assertThat(
            ActionSummary.describe(List.of(json.readTree("{\"type\":\"tag\",\"name\":\"VIP\"}"))))
        .isEqualTo("1 action: tag \"VIP\"");
    assertThat(
            ActionSummary.describe(
                List.of(json.readTree("{\"type\":\"assign\"}"), json.readTree("{\"name\":\"x\"}"))))
        .isEqualTo("2 actions: assign, (no type) \"x\"");
  }

  @Test
  void redactorMasksEveryOccurrence() {
    assertThat(new Redactor(Optional.of("t0k3n")).redact("a t0k3n b t0k3n"))
        .isEqualTo("a [REDACTED] b [REDACTED]");
    assertThat(new Redactor(Optional.empty()).redact("a t0k3n")).isEqualTo("a t0k3n");
  }

  @Test
  void endpointNeverPrintsTheSecret() {
    WebhookEndpoint endpoint =
        new WebhookEndpoint(
            "https://x",
            Optional.of("t0k3n"),
            Optional.empty(),
            java.time.Duration.ofSeconds(1),
            Optional.empty());
    assertThat(endpoint.toString()).doesNotContain("t0k3n");
  }
}
