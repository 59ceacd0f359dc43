package com.emailgistics.webhooks.delivery;

import java.util.Optional;

/**
 * One POST: either the endpoint answered ({@code status} set; {@code body} null when it exceeded
 * the size cap) or the connection failed ({@code connectionError} says how: DNS, TCP, TLS or
 * timeout).
 */
public record HttpExchange(
    Integer status, String body, Optional<String> retryAfter, String connectionError, long durationMillis) {

  static HttpExchange answered(int status, String body, Optional<String> retryAfter, long durationMillis) {
    return new HttpExchange(status, body, retryAfter, null, durationMillis);
  }

  static HttpExchange failed(String connectionError, long durationMillis) {
    return new HttpExchange(null, null, Optional.empty(), connectionError, durationMillis);
  }

  public boolean connected() {
    return connectionError == null;
  }
}
