package com.emailgistics.webhooks.delivery;

import com.emailgistics.webhooks.Digests;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs deliveries as the Standard Webhooks specification (standardwebhooks.com) describes:
 * HMAC-SHA256 over {@code id.timestamp.body} with each configured secret, sent as {@code
 * webhook-signature: v1,<base64> [v1,<base64>...]} beside {@code webhook-id} and {@code
 * webhook-timestamp}. Several secrets sign at once so that a receiver can rotate: add the new
 * secret, switch the receiver, remove the old one. Never prints a secret.
 */
public final class DeliverySigner {
  private static final String PREFIX = "whsec_";

  /** The specification asks for secrets of 24 to 64 bytes. */
  private static final int MIN_KEY_BYTES = 24;

  private static final int MAX_KEY_BYTES = 64;
  private static final int MAX_KEYS = 5;

  private final List<SecretKeySpec> keys;

  private DeliverySigner(List<SecretKeySpec> keys) {
    this.keys = List.copyOf(keys);
  }

  /**
   * The signer for {@code secrets}: one to five {@code whsec_<base64>} values separated by
   * whitespace. The exception names what is wrong, never the value.
   */
  public static DeliverySigner parse(String secrets) {
    if (secrets.isBlank()) {
      throw new IllegalArgumentException("no signing secret: expected whsec_ followed by base64");
    }
    String[] values = secrets.strip().split("\\s+");
    if (values.length > MAX_KEYS) {
      throw new IllegalArgumentException(
          values.length + " signing secrets; at most " + MAX_KEYS + " may sign at once");
    }
    List<SecretKeySpec> keys = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      String which =
          values.length == 1
              ? "the signing secret"
              : "signing secret " + (i + 1) + " of " + values.length;
      if (!values[i].startsWith(PREFIX)) {
        throw new IllegalArgumentException(which + " does not start with " + PREFIX);
      }
      byte[] key;
      try {
        String encoded = values[i].substring(PREFIX.length());
        // Unpadded base64 is common in these secrets (the reference libraries accept it).
        key = Base64.getDecoder().decode(encoded + "=".repeat((4 - encoded.length() % 4) % 4));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(which + " is not " + PREFIX + " followed by base64");
      }
      if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
        throw new IllegalArgumentException(
            which
                + " has "
                + key.length
                + " bytes; the Standard Webhooks specification"
                + " asks for "
                + MIN_KEY_BYTES
                + " to "
                + MAX_KEY_BYTES);
      }
      keys.add(new SecretKeySpec(key, "HmacSHA256"));
    }
    return new DeliverySigner(keys);
  }

  /**
   * The {@code webhook-signature} header value for {@code body} sent as {@code id} at {@code
   * timestamp}.
   */
  public String signature(String id, long timestampSeconds, Buffer body) {
    byte[] prefix = (id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder();
    for (SecretKeySpec key : keys) {
      Mac mac = mac(key);
      mac.update(prefix);
      mac.update(body.getBytes());
      if (!header.isEmpty()) {
        header.append(' ');
      }
      header.append("v1,").append(Base64.getEncoder().encodeToString(mac.doFinal()));
    }
    return header.toString();
  }

  /**
   * The {@code webhook-id} of a message: "msg_" and a digest of its id, so that it is short and
   * header-safe whatever the id is, and the same on every attempt and every retry by the caller.
   */
  public static String deliveryId(String messageId) {
    return "msg_"
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Digests.sha256(messageId))
            .substring(0, 27);
  }

  private static Mac mac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "DeliverySigner[" + keys.size() + " secret(s)]";
  }
}
