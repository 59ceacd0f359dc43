package com.emailgistics.webhooks.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * Where and how to deliver: the URL, the bearer secret (absent: no Authorization header), a PEM CA
 * bundle that replaces the platform's trust store when present, and the per-attempt timeout.
 */
public record WebhookEndpoint(
    String url, Optional<String> bearerToken, Optional<String> caBundlePem, Duration timeout) {

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "WebhookEndpoint[" + url + ", bearer " + (bearerToken.isPresent() ? "set" : "none") + "]";
  }
}
