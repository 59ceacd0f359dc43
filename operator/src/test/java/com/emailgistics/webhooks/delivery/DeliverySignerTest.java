package com.emailgistics.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class DeliverySignerTest {
  /** The test vector of the Standard Webhooks specification and its reference libraries. */
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330;
  private static final Buffer BODY = Buffer.buffer("{\"test\": 2432232314}");
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void signsLikeTheSpecificationsTestVector() {
    assertThat(DeliverySigner.parse(SECRET).signature(ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
  }

  @Test
  void everySecretSignsSoThatAReceiverCanRotate() {
    String other =
        "whsec_"
            + java.util.Base64.getEncoder()
                .encodeToString("another secret of 32 bytes!!!!!!".getBytes());

    String header = DeliverySigner.parse(other + "\n " + SECRET).signature(ID, TIMESTAMP, BODY);

    assertThat(header.split(" ")).hasSize(2).contains(SIGNATURE);
  }

  @Test
  void unpaddedBase64IsAccepted() {
    String unpadded =
        "whsec_" + java.util.Base64.getEncoder().withoutPadding().encodeToString(new byte[25]);
    assertThat(DeliverySigner.parse(unpadded).signature(ID, TIMESTAMP, BODY)).startsWith("v1,");
  }

  @Test
  void badSecretsAreRefusedWithoutShowingThem() {
    assertThatThrownBy(() -> DeliverySigner.parse(" "))
        .hasMessage("no signing secret: expected whsec_ followed by base64");
    assertThatThrownBy(() -> DeliverySigner.parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        .hasMessage("the signing secret does not start with whsec_");
    assertThatThrownBy(() -> DeliverySigner.parse(SECRET + " whsec_not*base64"))
        .hasMessage("signing secret 2 of 2 is not whsec_ followed by base64");
    assertThatThrownBy(() -> DeliverySigner.parse("whsec_c2hvcnQ="))
        .hasMessage(
            "the signing secret has 5 bytes; the Standard Webhooks specification asks for 24 to 64");
    assertThatThrownBy(() -> DeliverySigner.parse((SECRET + " ").repeat(6)))
        .hasMessage("6 signing secrets; at most 5 may sign at once");
    assertThat(DeliverySigner.parse(SECRET).toString()).doesNotContain("MfKQ");
  }

  @Test
  void theDeliveryIdIsShortHeaderSafeAndTheSameForTheSameMessage() {
    String id = DeliverySigner.deliveryId("AAMkADk0ZmQ3-example-message-id");

    assertThat(id)
        .matches("msg_[A-Za-z0-9_-]{27}")
        .isEqualTo(DeliverySigner.deliveryId("AAMkADk0ZmQ3-example-message-id"));
    assertThat(DeliverySigner.deliveryId("x".repeat(100_000) + "\r\n"))
        .matches("msg_[A-Za-z0-9_-]{27}")
        .isNotEqualTo(id);
  }
}
