package com.emailgistics.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);
  private final RetryPolicy policy = new RetryPolicy(NOW);

  private static EndpointAnswer status(int code, String retryAfter) {
    return EndpointAnswer.answered(code, new byte[0], Optional.ofNullable(retryAfter), 1);
  }

  @Test
  void connectionErrorsAndServerErrorsBackOffOneThenTwoSeconds() {
    assertThat(policy.retryDelay(1, EndpointAnswer.failed("refused", 1)))
        .contains(Duration.ofSeconds(1));
    assertThat(policy.retryDelay(2, status(503, null))).contains(Duration.ofSeconds(2));
    assertThat(policy.retryDelay(3, status(503, null))).isEmpty();
  }

  @Test
  void tooManyRequestsHonoursRetryAfterUpToTenSeconds() {
    assertThat(policy.retryDelay(1, status(429, "3"))).contains(Duration.ofSeconds(3));
    assertThat(policy.retryDelay(1, status(429, "30"))).contains(Duration.ofSeconds(10));
    assertThat(policy.retryDelay(1, status(429, "Thu, 01 Jan 2026 10:00:05 GMT")))
        .contains(Duration.ofSeconds(5));
    assertThat(policy.retryDelay(1, status(429, null))).contains(Duration.ofSeconds(1));
    assertThat(policy.retryDelay(1, status(429, "soon"))).contains(Duration.ofSeconds(1));
    assertThat(policy.retryDelay(3, status(429, "1"))).isEmpty();
  }

  @Test
  void everyOtherAnswerIsFinal() {
    for (int code : new int[] {200, 201, 204, 302, 400, 401, 404, 410}) {
      assertThat(policy.retryDelay(1, status(code, null))).as("HTTP %d", code).isEmpty();
    }
  }
}
