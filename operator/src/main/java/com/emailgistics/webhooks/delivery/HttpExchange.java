package com.emailgistics.webhooks.delivery;

/**
 * One POST: either the endpoint answered ({@code status} and {@code body} set) or the connection
 * failed ({@code connectionError} describes how: DNS, TCP, TLS or timeout).
 */
public record HttpExchange(Integer status, String body, String connectionError, long durationMillis) {

  static HttpExchange answered(int status, String body, long durationMillis) {
    return new HttpExchange(status, body, null, durationMillis);
  }

  static HttpExchange failed(String connectionError, long durationMillis) {
    return new HttpExchange(null, null, connectionError, durationMillis);
  }

  public boolean connected() {
    return connectionError == null;
  }
}
