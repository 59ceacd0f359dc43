package com.emailgistics.webhooks.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.StatusCondition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionSetTest {
  private static final Clock T1 =
      Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);
  private static final Clock T2 =
      Clock.fixed(Instant.parse("2026-01-01T11:00:00Z"), ZoneOffset.UTC);

  @Test
  void transitionTimeIsKeptWhileTheStatusStaysTheSame() {
    List<StatusCondition> first =
        new ConditionSet(List.of(), 1L, T1).set("Ready", false, "SecretNotFound", "a").toList();

    List<StatusCondition> same =
        new ConditionSet(first, 2L, T2).set("Ready", false, "SecretKeyNotFound", "b").toList();
    List<StatusCondition> flipped =
        new ConditionSet(first, 2L, T2).set("Ready", true, "Ready", "ok").toList();

    assertThat(same.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(same.get(0).getReason()).isEqualTo("SecretKeyNotFound");
    assertThat(same.get(0).getObservedGeneration()).isEqualTo(2L);
    assertThat(flipped.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T11:00:00Z");
  }
}
