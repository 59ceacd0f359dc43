package com.emailgistics.webhooks.delivery;

import java.util.Optional;

/**
 * What one POST came to: either the endpoint answered ({@code status} set; {@code body} null when
 * it exceeded the size cap) or the exchange failed ({@code connectionError} says how: DNS, TCP,
 * TLS, timeout or a dropped connection). {@code refused}: the operator would not connect (see
 * {@link EgressPolicy}), which no retry changes.
 */
public record EndpointAnswer(
    Integer status,
    byte[] body,
    Optional<String> retryAfter,
    String connectionError,
    long durationMillis,
    boolean refused) {

  static EndpointAnswer answered(
      int status, byte[] body, Optional<String> retryAfter, long durationMillis) {
    return new EndpointAnswer(status, body, retryAfter, null, durationMillis, false);
  }

  static EndpointAnswer failed(String connectionError, long durationMillis) {
    return new EndpointAnswer(null, null, Optional.empty(), connectionError, durationMillis, false);
  }

  static EndpointAnswer refused(String why, long durationMillis) {
    return new EndpointAnswer(null, null, Optional.empty(), why, durationMillis, true);
  }

  public boolean connected() {
    return connectionError == null;
  }
}
