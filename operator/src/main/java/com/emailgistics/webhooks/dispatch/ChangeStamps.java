package com.emailgistics.webhooks.dispatch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * When each key (a mailbox address) last saw a change of anything dispatch derives for it, as a
 * {@link System#nanoTime()} stamp. Informer stores call {@link #changed} as an object enters or
 * leaves them, which is just before the informer updates its indices; so what was derived from the
 * indices is only trusted once its stamp has settled for {@link #SETTLE_NANOS}, long after the
 * indices have caught up. Until then dispatch derives again for every message, as it would without
 * stamps.
 */
public final class ChangeStamps {
  /** Far longer than an informer takes from storing an object to indexing it (microseconds). */
  static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** No change seen for the key: nothing derived for it is trusted. */
  static final long UNKNOWN = 0;

  private final ConcurrentHashMap<String, Long> changedAt = new ConcurrentHashMap<>();

  public void changed(String key) {
    long now = System.nanoTime();
    // Strictly increasing per key, and never UNKNOWN, even within one clock tick.
    changedAt.merge(key, now == UNKNOWN ? 1 : now, (old, time) -> Math.max(old + 1, time));
  }

  /** The key's stamp, {@link #UNKNOWN} when no change has been seen. */
  public long stamp(String key) {
    Long stamp = changedAt.get(key);
    return stamp == null ? UNKNOWN : stamp;
  }

  static boolean settled(long stamp, long nowNanos) {
    return stamp != UNKNOWN && nowNanos - stamp > SETTLE_NANOS;
  }

  /** Forgets the stamps of keys not in {@code current} (their objects were deleted). */
  public void retainOnly(Set<String> current) {
    changedAt.keySet().retainAll(current);
  }
}
