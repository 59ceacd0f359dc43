package com.emailgistics.webhooks.reconciler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.testing.Resources;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestTriggerTest {
  private static final String SECRETS = "secret=12,caBundle=none";

  private static Webhook webhook(long generation, String requested) {
    Webhook webhook = Resources.webhook("admin", "crm", "https://crm.example/hook");
    webhook.getMetadata().setGeneration(generation);
    if (requested != null) {
      webhook.getMetadata().setAnnotations(Map.of(Webhook.TEST_REQUEST_ANNOTATION, requested));
    }
    return webhook;
  }

  @Test
  void theFirstTestIsInitialAndTheSameInputsDoNotTestAgain() {
    TestTrigger first = TestTrigger.due(webhook(1, null), SECRETS, null).orElseThrow();

    assertThat(first.cause()).isEqualTo(TestTrigger.INITIAL);
    assertThat(first.fingerprint()).isEqualTo("generation=1,requested=," + SECRETS);
    assertThat(TestTrigger.due(webhook(1, null), SECRETS, first.fingerprint())).isEmpty();
  }

  @Test
  void eachChangedInputNamesItsCause() {
    String tested = TestTrigger.due(webhook(1, null), SECRETS, null).orElseThrow().fingerprint();

    assertThat(TestTrigger.due(webhook(2, null), SECRETS, tested).orElseThrow().cause())
        .isEqualTo(TestTrigger.SPEC_CHANGED);
    assertThat(
            TestTrigger.due(webhook(1, null), "secret=13,caBundle=none", tested)
                .orElseThrow()
                .cause())
        .isEqualTo(TestTrigger.SECRET_CHANGED);
    TestTrigger requested =
        TestTrigger.due(webhook(2, "2026-12-02T10:00:00Z"), SECRETS, tested).orElseThrow();
    assertThat(requested.cause()).isEqualTo(TestTrigger.REQUESTED);
    assertThat(requested.fingerprint()).contains("requested=2026-12-02T10:00:00Z,");
  }

  @Test
  void anyRequestValueKeepsTheFingerprintShortAndParseable() {
    String tested = TestTrigger.due(webhook(1, "a"), SECRETS, null).orElseThrow().fingerprint();
    String odd = "again, please=now " + "x".repeat(100_000);

    TestTrigger requested = TestTrigger.due(webhook(1, odd), SECRETS, tested).orElseThrow();

    assertThat(requested.cause()).isEqualTo(TestTrigger.REQUESTED);
    assertThat(requested.fingerprint())
        .matches("generation=1,requested=sha256:[0-9a-f]{16}," + SECRETS)
        .hasSizeLessThan(100);
    assertThat(TestTrigger.due(webhook(1, odd), SECRETS, requested.fingerprint())).isEmpty();
    assertThat(TestTrigger.due(webhook(1, odd + "!"), SECRETS, requested.fingerprint()))
        .isPresent();
  }
}
