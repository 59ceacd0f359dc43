package com.emailgistics.webhooks.reconciler.webhook;

import com.emailgistics.webhooks.Digests;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookTestResult;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides when a test delivery runs: once for each distinct combination of spec generation, test
 * request annotation and referenced Secret versions. The fingerprint holds only those versions,
 * never anything derived from a secret's value.
 */
record TestTrigger(String fingerprint, String cause) {
  static final String SPEC_CHANGED = "SpecChanged";
  static final String SECRET_CHANGED = "SecretChanged";
  static final String REQUESTED = "Requested";
  static final String INITIAL = "Initial";
  private static final Pattern PLAIN_REQUEST = Pattern.compile("[A-Za-z0-9._:+-]{0,64}");

  /** The test due for {@code webhook}, if its inputs differ from the last tested ones. */
  static Optional<TestTrigger> due(
      Webhook webhook, String secretVersions, String lastTestedFingerprint) {
    String requested =
        Optional.ofNullable(webhook.getMetadata().getAnnotations())
            .map(annotations -> annotations.get(Webhook.TEST_REQUEST_ANNOTATION))
            .orElse("");
    String fingerprint =
        "generation="
            + webhook.getMetadata().getGeneration()
            + ",requested="
            + shown(requested)
            + ","
            + secretVersions;
    if (fingerprint.equals(lastTestedFingerprint)) {
      return Optional.empty();
    }
    return Optional.of(new TestTrigger(fingerprint, cause(lastTestedFingerprint, fingerprint)));
  }

  /**
   * The request annotation as the fingerprint shows it: as written when it is a short token (a
   * timestamp, a counter), else a digest, so the fingerprint stays small and parseable whatever a
   * user writes there.
   */
  private static String shown(String requested) {
    if (PLAIN_REQUEST.matcher(requested).matches()) {
      return requested;
    }
    return "sha256:" + HexFormat.of().formatHex(Digests.sha256(requested), 0, 8);
  }

  static String lastFingerprint(Webhook webhook) {
    return Optional.ofNullable(webhook.getStatus())
        .map(status -> status.getLastTest())
        .map(WebhookTestResult::getFingerprint)
        .orElse(null);
  }

  private static String cause(String previous, String current) {
    if (previous == null) {
      return INITIAL;
    }
    Map<String, String> before = parse(previous);
    Map<String, String> after = parse(current);
    if (!before.get("requested").equals(after.get("requested"))) {
      return REQUESTED;
    }
    if (!before.get("generation").equals(after.get("generation"))) {
      return SPEC_CHANGED;
    }
    return SECRET_CHANGED;
  }

  private static Map<String, String> parse(String fingerprint) {
    Map<String, String> parts = new HashMap<>();
    for (String part : fingerprint.split(",")) {
      int eq = part.indexOf('=');
      parts.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return parts;
  }
}
