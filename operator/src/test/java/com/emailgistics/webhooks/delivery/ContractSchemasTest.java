package com.emailgistics.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.message.SampleMessage;
import com.emailgistics.webhooks.testing.Schemas;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The schemas receivers are given (docs/schemas) accept the spec's own examples and refuse what the
 * spec forbids. (Every payload a test endpoint receives is checked too: see HttpsEndpoint.)
 */
class ContractSchemasTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Spec 4.6. */
  private static final String SPEC_PAYLOAD =
      """
      {"id":"AAMkADk0ZmQ3-example-message-id","event":"received","internetMessageId":"<CAF1234abcd@mail.customer.example>",
       "received":"2025-03-14T15:09:26Z","mailbox":"claims@insurer.example",
       "sender":{"emailAddress":{"name":"Pat Doe","address":"pat@customer.example"}},
       "from":{"emailAddress":{"name":"Pat Doe","address":"pat@customer.example"}},
       "to":[{"emailAddress":{"name":"Claims Team","address":"claims@insurer.example"}}],"cc":[],
       "subject":"Question about my claim","hasAttachments":false,"timestamp":"2025-03-14T15:09:27Z",
       "conversationId":"2L8WYB89Z","bodyText":"Hello, I would like an update on my claim. Thanks, Pat",
       "customFields":{"claimNumber":"CLM-556677"}}""";

  @Test
  void theSpecsExamplePayloadAndTheTestDeliverysSampleAreValid() {
    assertThat(Schemas.WEBHOOK_PAYLOAD.problems(SPEC_PAYLOAD)).isEmpty();
    String sample =
        PayloadWriter.write(SampleMessage.MESSAGE, new PayloadOptions(true, true))
            .toString(StandardCharsets.UTF_8);
    assertThat(Schemas.WEBHOOK_PAYLOAD.problems(sample)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"internetMessageId\":null",
        "\"received\":\"yesterday\"",
        "\"received\":\"2025-03-14T15:09:26\"",
        "\"sender\":{\"emailAddress\":{\"name\":\"Pat\",\"address\":\"not-an-address\"}}",
        "\"to\":[null]",
        "\"customFields\":{\"claimNumber\":null}",
        "\"customFields\":{}",
        "\"futureField\":1"
      })
  void payloadsTheSpecForbidsAreRefused(String field) throws Exception {
    ObjectNode payload = (ObjectNode) JSON.readTree(SPEC_PAYLOAD);
    payload.setAll((ObjectNode) JSON.readTree("{" + field + "}"));
    assertThat(Schemas.WEBHOOK_PAYLOAD.problems(payload.toString()))
        .as(payload.toString())
        .isNotEmpty();
  }

  @Test
  void aPayloadWithoutAnAlwaysPresentFieldIsRefused() {
    assertThat(
            Schemas.WEBHOOK_PAYLOAD.problems(
                SPEC_PAYLOAD.replace("\"conversationId\":\"2L8WYB89Z\",", "")))
        .anySatisfy(problem -> assertThat(problem).contains("conversationId"));
  }

  /** Spec 5.3 and every example of section 6, in one success envelope. */
  @Test
  void theSpecsEnvelopesAndActionExamplesAreValid() {
    String actions =
        """
        [{"name":"Assign to claims team","type":"assign","value":{
           "mainAssignment":{"users":["Joe Cool","jerri.fallon@example.com"],"ignoreAvailability":false,"ignoreMaxMessages":true,"aaMethod":1},
           "backupAssignments":[{"assignToAnyUser":true,"ignoreAvailability":false,"ignoreMaxMessages":false,
             "assignIfUserAvailableWithinMinutes":120,"aaMethod":2}]}},
         {"name":"Mark VIP and region","type":"tag","value":{"tags":["VIP","Europe"]}},
         {"name":"Apply claim context","type":"setCustomFields","value":{"claimNumber":"CLM-556677","policyNumber":"POL-889900"}},
         {"type":"sendMessage","name":"Send follow-up template","value":{"templateName":"Customer Followup",
           "subject":"Optional subject override",
           "toAddresses":[{"emailAddress":{"address":"to@example.com","name":"To User"}}],
           "ccAddresses":[{"emailAddress":{"address":"cc@example.com","name":"CC User"}}],
           "bccAddresses":[{"emailAddress":{"address":"bcc@example.com","name":"BCC User"}}]}},
         {"type":"sendMessage","name":"Send inline reply","value":{"body":"<p>Thanks for your email.</p>","bodyType":"html",
           "subject":"Re: Coverage question","toAddresses":[{"emailAddress":{"address":"to@example.com","name":"To User"}}],
           "ccAddresses":[],"bccAddresses":[],
           "inlineAssets":[{"id":"logo1","filename":"logo.png","contentType":"image/png","base64Content":"iVBORw0KGgo="}]}},
         {"type":"forwardMessage","name":"Forward to underwriting team","value":{"toAddresses":[
           {"emailAddress":{"address":"agent1@example.com","name":"Agent 1"}}],"comment":"Please review."}}]""";
    assertThat(
            Schemas.WEBHOOK_RESPONSE.problems(
                "{\"status\":\"success\",\"message\":\"ok\",\"actions\":" + actions + "}"))
        .isEmpty();
    assertThat(
            Schemas.WEBHOOK_RESPONSE.problems(
                "{\"status\":\"error\",\"message\":\"CRM service unavailable.\"}"))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"status\":\"ok\",\"message\":\"done\"}",
        "{\"status\":\"success\"}",
        "{\"message\":\"done\"}",
        "{\"status\":\"success\",\"message\":\"m\",\"actions\":{}}",
        "{\"status\":\"success\",\"message\":\"m\",\"actions\":[{\"type\":\"tag\"}]}",
        "{\"status\":\"success\",\"message\":\"m\",\"actions\":[{\"type\":\"tag\",\"value\":{\"tags\":\"VIP\"}}]}",
        "{\"status\":\"success\",\"message\":\"m\",\"actions\":[{\"type\":\"assign\",\"value\":{\"mainAssignment\":"
            + "{\"users\":[\"Joe\"],\"assignToAnyUser\":true}}}]}",
        "{\"status\":\"success\",\"message\":\"m\",\"actions\":[{\"type\":\"assign\",\"value\":{\"mainAssignment\":{}}}]}",
        "{\"status\":\"success\",\"message\":\"m\",\"actions\":[{\"type\":\"sendMessage\",\"value\":{\"templateName\":\"T\","
            + "\"body\":\"b\",\"bodyType\":\"text\",\"toAddresses\":[]}}]}",
        "{\"status\":\"success\",\"message\":\"m\",\"actions\":[{\"type\":\"sendMessage\",\"value\":{\"toAddresses\":[]}}]}",
        "{\"status\":\"success\",\"message\":\"m\",\"actions\":[{\"type\":\"setCustomFields\",\"value\":{\"claimNumber\":7}}]}",
        "{\"status\":\"success\",\"message\":\"m\",\"actions\":[{\"type\":\"forwardMessage\",\"value\":{\"toAddresses\":"
            + "[{\"emailAddress\":{\"address\":\"nobody\"}}]}}]}"
      })
  void envelopesTheSpecForbidsAreRefused(String envelope) {
    assertThat(Schemas.WEBHOOK_RESPONSE.problems(envelope)).as(envelope).isNotEmpty();
  }
}
