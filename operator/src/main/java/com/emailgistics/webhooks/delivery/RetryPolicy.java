package com.emailgistics.webhooks.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When to try a delivery again (spec section 7): at most three attempts; connection errors
 * (timeouts included) and 5xx are retried after a backoff of 1 s, then 2 s; 429 is retried after
 * its Retry-After, capped at 10 s (the backoff when absent) and counts as an attempt; every other
 * answer is final.
 */
public final class RetryPolicy {
  public static final int MAX_ATTEMPTS = 3;
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private final Clock clock;

  public RetryPolicy(Clock clock) {
    this.clock = clock;
  }

  /**
   * The wait before the next attempt, or empty when {@code exchange} (attempt n, 1-based) is final.
   */
  public Optional<Duration> retryDelay(int attempt, EndpointAnswer exchange) {
    if (attempt >= MAX_ATTEMPTS || exchange.refused()) {
      return Optional.empty();
    }
    Duration backoff = FIRST_BACKOFF.multipliedBy(1L << (attempt - 1));
    if (!exchange.connected() || exchange.status() >= 500) {
      return Optional.of(backoff);
    }
    if (exchange.status() == 429) {
      return Optional.of(
          exchange
              .retryAfter()
              .flatMap(this::parseRetryAfter)
              .map(wait -> wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait)
              .orElse(backoff));
    }
    return Optional.empty();
  }

  /** Retry-After is either delay-seconds or an HTTP date. */
  private Optional<Duration> parseRetryAfter(String value) {
    String trimmed = value.trim();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed))));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(Instant.now(clock), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
