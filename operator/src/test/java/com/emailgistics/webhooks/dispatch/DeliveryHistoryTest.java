package com.emailgistics.webhooks.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a replica's new deliveries join the stored history. */
class DeliveryHistoryTest {
  @Test
  void ordersByInstantNotByTextKeepsEachDeliveryOnceAndTheNewest() {
    DeliveryRecord whole = record("2026-12-02T10:00:01Z", "whole-second");
    DeliveryRecord earlier = record("2026-12-02T10:00:00.500Z", "earlier");
    DeliveryRecord later = record("2026-12-02T10:00:01.250Z", "later");
    DeliveryRecord oldest = record("2026-12-02T09:59:00Z", "oldest");

    assertThat(DeliveryHistory.merge(List.of(later, whole), List.of(whole, earlier, oldest), 3))
        .extracting(DeliveryRecord::messageId)
        .containsExactly("later", "whole-second", "earlier");
  }

  private static DeliveryRecord record(String time, String id) {
    return new DeliveryRecord(time, "a", id, "team/r", "Succeeded", null, 1, 200, "ok", 5);
  }
}
