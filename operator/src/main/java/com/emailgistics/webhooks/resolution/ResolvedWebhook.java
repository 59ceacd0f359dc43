package com.emailgistics.webhooks.resolution;

import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookSpec;
import com.emailgistics.webhooks.delivery.DeliverySigner;
import com.emailgistics.webhooks.delivery.InvalidCaBundleException;
import com.emailgistics.webhooks.delivery.PayloadOptions;
import com.emailgistics.webhooks.delivery.WebhookEndpoint;
import com.emailgistics.webhooks.delivery.WebhookHttpClient;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A Webhook with its Secret references resolved to values, plus the versions of those Secrets
 * (which decide when a rotation triggers a new test delivery).
 */
public record ResolvedWebhook(
    WebhookEndpoint endpoint, PayloadOptions options, String secretVersions) {

  static final String SECRET_NOT_FOUND = "SecretNotFound";
  static final String SECRET_KEY_NOT_FOUND = "SecretKeyNotFound";
  static final String INVALID_SECRET_VALUE = "InvalidSecretValue";
  static final String CA_BUNDLE_NOT_FOUND = "CABundleNotFound";
  static final String INVALID_CA_BUNDLE = "InvalidCABundle";
  static final String INVALID_URL = "InvalidURL";
  static final String INVALID_SIGNING_SECRET = "InvalidSigningSecret";

  /** Resolves {@code webhook}'s Secrets from {@code secretsByName} (its namespace's Secrets). */
  public static ResolvedWebhook resolve(Webhook webhook, Map<String, Secret> secretsByName)
      throws ConfigurationProblem {
    WebhookSpec spec = webhook.getSpec();
    Optional<String> bearer =
        read(
            spec.getSecretRef(),
            secretsByName,
            SECRET_NOT_FOUND,
            SECRET_KEY_NOT_FOUND,
            "secretRef");
    if (bearer.isPresent()) {
      bearer = Optional.of(checkHeaderSafe(stripLineEnd(bearer.get())));
    }
    Optional<String> caBundle =
        read(
            spec.getCaBundleRef(),
            secretsByName,
            CA_BUNDLE_NOT_FOUND,
            CA_BUNDLE_NOT_FOUND,
            "caBundleRef");
    if (caBundle.isPresent()) {
      try {
        WebhookHttpClient.parseCertificates(caBundle.get());
      } catch (InvalidCaBundleException e) {
        throw new ConfigurationProblem(
            INVALID_CA_BUNDLE, "caBundleRef " + spec.getCaBundleRef() + ": " + e.getMessage());
      }
    }
    SecretKeyReference signingRef =
        spec.getSigning() == null ? null : spec.getSigning().getSecretRef();
    Optional<DeliverySigner> signer = Optional.empty();
    Optional<String> signingSecrets =
        read(
            signingRef, secretsByName, SECRET_NOT_FOUND, SECRET_KEY_NOT_FOUND, "signing.secretRef");
    if (signingSecrets.isPresent()) {
      try {
        signer = Optional.of(DeliverySigner.parse(signingSecrets.get()));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationProblem(
            INVALID_SIGNING_SECRET, "signing.secretRef " + signingRef + ": " + e.getMessage());
      }
    }
    WebhookEndpoint endpoint;
    try {
      endpoint =
          new WebhookEndpoint(
              spec.getUrl(),
              bearer,
              caBundle,
              Duration.ofSeconds(spec.getTimeoutSeconds()),
              signer);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationProblem(INVALID_URL, e.getMessage());
    }
    PayloadOptions options =
        new PayloadOptions(spec.isIncludeMessageText(), spec.isIncludeCustomFields());
    // The signing part only when signing is on: fingerprints of Webhooks without it stay as they
    // were.
    String versions =
        "secret="
            + version(spec.getSecretRef(), secretsByName)
            + ",ca="
            + version(spec.getCaBundleRef(), secretsByName)
            + (signingRef == null ? "" : ",signing=" + version(signingRef, secretsByName));
    return new ResolvedWebhook(endpoint, options, versions);
  }

  private static Optional<String> read(
      SecretKeyReference ref,
      Map<String, Secret> secretsByName,
      String notFound,
      String keyNotFound,
      String field)
      throws ConfigurationProblem {
    if (ref == null) {
      return Optional.empty();
    }
    Secret secret = secretsByName.get(ref.getName());
    if (secret == null) {
      throw new ConfigurationProblem(
          notFound,
          field
              + ": Secret \""
              + ref.getName()
              + "\" does not exist in this namespace or lacks the label"
              + " the operator reads Secrets by ("
              + Webhook.SECRET_LABEL
              + "=true unless the operator's"
              + " EMAILGISTICS_SECRET_LABEL_SELECTOR says otherwise)");
    }
    String encoded = secret.getData() == null ? null : secret.getData().get(ref.getKey());
    if (encoded == null) {
      throw new ConfigurationProblem(
          keyNotFound,
          field + ": Secret \"" + ref.getName() + "\" has no key \"" + ref.getKey() + "\"");
    }
    try {
      return Optional.of(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationProblem(
          INVALID_SECRET_VALUE, field + ": key \"" + ref.getKey() + "\" is not valid base64");
    }
  }

  /** Secrets written with `echo` or from files often end with a newline that is not meant. */
  private static String stripLineEnd(String value) {
    return value.replaceAll("[\r\n]+$", "");
  }

  private static String checkHeaderSafe(String token) throws ConfigurationProblem {
    if (token.isEmpty()) {
      throw new ConfigurationProblem(INVALID_SECRET_VALUE, "secretRef: the secret value is empty");
    }
    boolean printableAscii = token.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    if (!printableAscii) {
      throw new ConfigurationProblem(
          INVALID_SECRET_VALUE,
          "secretRef: the secret value contains spaces, control or non-ASCII characters, which"
              + " cannot be sent in an Authorization header");
    }
    return token;
  }

  private static String version(SecretKeyReference ref, Map<String, Secret> secretsByName) {
    return ref == null
        ? "none"
        : secretsByName.get(ref.getName()).getMetadata().getResourceVersion();
  }
}
