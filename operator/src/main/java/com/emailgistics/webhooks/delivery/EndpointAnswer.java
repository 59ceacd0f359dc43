package com.emailgistics.webhooks.delivery;

import java.util.Optional;

/**
 * What one POST came to: either the endpoint answered ({@code status} set; {@code body} null when
 * it exceeded the size cap) or the exchange failed ({@code connectionError} says how: DNS, TCP,
 * TLS, timeout or a dropped connection).
 */
public record EndpointAnswer(
    Integer status, byte[] body, Optional<String> retryAfter, String connectionError, long durationMillis) {

  static EndpointAnswer answered(int status, byte[] body, Optional<String> retryAfter, long durationMillis) {
    return new EndpointAnswer(status, body, retryAfter, null, durationMillis);
  }

  static EndpointAnswer failed(String connectionError, long durationMillis) {
    return new EndpointAnswer(null, null, Optional.empty(), connectionError, durationMillis);
  }

  public boolean connected() {
    return connectionError == null;
  }
}
