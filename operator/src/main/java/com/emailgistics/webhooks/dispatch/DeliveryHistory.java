package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.Webhook;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

/**
 * The recent deliveries of each webhook, kept where every replica reads the same and a restart
 * loses nothing that was written.
 */
public interface DeliveryHistory {
  /** Deliveries kept per webhook. */
  int SIZE = 50;

  /** Adds a delivery this replica made; it becomes visible to every replica shortly after. */
  void add(Webhook webhook, DeliveryRecord record);

  /**
   * The webhook's most recent deliveries, made by any replica, newest first.
   *
   * @throws HistoryUnavailable (through the stage) when the history cannot be read now
   */
  CompletionStage<List<DeliveryRecord>> recent(String namespace, String name);

  /** Drops what this replica has not written yet about a webhook that no longer exists. */
  void forget(String namespace, String name);

  /**
   * {@code newer} and {@code stored} as one list: newest first by time, each delivery once, at most
   * {@code limit}.
   */
  static List<DeliveryRecord> merge(
      List<DeliveryRecord> newer, List<DeliveryRecord> stored, int limit) {
    return Stream.concat(newer.stream(), stored.stream())
        .distinct()
        .sorted(Comparator.comparing((DeliveryRecord r) -> Instant.parse(r.time())).reversed())
        .limit(limit)
        .toList();
  }

  /** The history cannot be read now; the message says why, for the caller. */
  final class HistoryUnavailable extends RuntimeException {
    public HistoryUnavailable(String message) {
      super(message, null, false, false);
    }
  }
}
