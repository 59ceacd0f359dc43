package com.emailgistics.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.message.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadWriterTest {
  private static JsonNode payload(Message message, PayloadOptions options) throws Exception {
    return new ObjectMapper().readTree(PayloadWriter.write(message, options).getBytes());
  }

  private static Message message(String body, Map<String, String> customFields) {
    return new Message(
        "AAMk-1",
        "received",
        "<CAF1@mail>",
        "2025-03-14T15:09:26Z",
        "claims@insurer.example",
        EmailAddress.of("Pat Doe", "pat@customer.example"),
        EmailAddress.of(null, "pat@customer.example"),
        List.of(EmailAddress.of("Claims Team", "claims@insurer.example")),
        List.of(),
        "Question",
        false,
        "2025-03-14T15:09:27Z",
        "2L8WYB89Z",
        body,
        customFields);
  }

  @Test
  void alwaysPresentFieldsFollowTheSpec() throws Exception {
    JsonNode payload =
        payload(message("Hello", Map.of("claimNumber", "CLM-1")), new PayloadOptions(false, false));

    assertThat(payload.get("id").asText()).isEqualTo("AAMk-1");
    assertThat(payload.get("event").asText()).isEqualTo("received");
    assertThat(payload.get("mailbox").asText()).isEqualTo("claims@insurer.example");
    assertThat(payload.at("/sender/emailAddress/name").asText()).isEqualTo("Pat Doe");
    assertThat(payload.at("/from/emailAddress/address").asText()).isEqualTo("pat@customer.example");
    assertThat(payload.at("/from/emailAddress/name").asText()).isEmpty();
    assertThat(payload.at("/to/0/emailAddress/address").asText())
        .isEqualTo("claims@insurer.example");
    assertThat(payload.get("cc").isArray()).isTrue();
    assertThat(payload.get("hasAttachments").isBoolean()).isTrue();
    assertThat(payload.get("conversationId").asText()).isEqualTo("2L8WYB89Z");
    assertThat(payload.has("bodyText")).isFalse();
    assertThat(payload.has("customFields")).isFalse();
  }

  @Test
  void includeMessageTextAddsBodyText() throws Exception {
    JsonNode payload = payload(message("Hello", Map.of()), new PayloadOptions(true, false));
    assertThat(payload.get("bodyText").asText()).isEqualTo("Hello");
  }

  @Test
  void customFieldsOnlyWhenIncludedAndValuesExist() throws Exception {
    assertThat(
            payload(message(null, Map.of()), new PayloadOptions(false, true)).has("customFields"))
        .isFalse();
    JsonNode payload =
        payload(message(null, Map.of("claimNumber", "CLM-1")), new PayloadOptions(false, true));
    assertThat(payload.at("/customFields/claimNumber").asText()).isEqualTo("CLM-1");
  }

  @Test
  void missingBodyIsNotInventedEvenWhenIncluded() throws Exception {
    assertThat(payload(message(null, Map.of()), new PayloadOptions(true, true)).has("bodyText"))
        .isFalse();
  }
}
