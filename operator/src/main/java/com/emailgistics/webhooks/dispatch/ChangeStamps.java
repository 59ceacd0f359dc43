package com.emailgistics.webhooks.dispatch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When each key (a mailbox address) last saw a change of anything dispatch derives for it, as a
 * {@link System#nanoTime()} stamp. Informer stores call {@link #changed} as an object enters or
 * leaves them or its spec changes (not its status, which dispatch does not read), which is just
 * before the informer updates its indices; so what was derived from the indices is only trusted
 * once its stamp has settled for {@link #SETTLE_NANOS}, long after the indices have caught up.
 * Until then dispatch derives again for every message, as it would without stamps.
 */
public final class ChangeStamps {
  /** Far longer than an informer takes from storing an object to indexing it (microseconds). */
  static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** No change seen for the key: nothing derived for it is trusted. */
  static final long UNKNOWN = 0;

  /**
   * A key's stamp. It moves in place, so what was derived for the key keeps the stamp itself and
   * sees a change without looking the key up again; a forgotten key's stamp is retired, which it
   * never leaves.
   */
  public static final class Stamp {
    private static final long RETIRED = Long.MIN_VALUE;
    private volatile long nanos;

    private Stamp(long nanos) {
      this.nanos = nanos;
    }

    public long nanos() {
      return nanos;
    }
  }

  private static final Stamp NONE = new Stamp(UNKNOWN);

  private final ConcurrentHashMap<String, Stamp> changedAt = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public ChangeStamps() {
    this(System::nanoTime);
  }

  /** {@code clock}: nanoseconds as {@link System#nanoTime()} counts them. */
  ChangeStamps(LongSupplier clock) {
    this.clock = clock;
  }

  public void changed(String key) {
    long now = clock.getAsLong();
    // Strictly increasing per key, and never UNKNOWN or RETIRED, even within one clock tick.
    long next = now == UNKNOWN || now == Stamp.RETIRED ? 1 : now;
    changedAt.compute(
        key,
        (any, stamp) -> {
          if (stamp == null) {
            return new Stamp(next);
          }
          stamp.nanos = Math.max(stamp.nanos + 1, next);
          return stamp;
        });
  }

  /** The key's stamp; its {@link Stamp#nanos()} are {@link #UNKNOWN} when no change was seen. */
  public Stamp stamp(String key) {
    return changedAt.getOrDefault(key, NONE);
  }

  static boolean settled(long stamp, long nowNanos) {
    return stamp != UNKNOWN && stamp != Stamp.RETIRED && nowNanos - stamp > SETTLE_NANOS;
  }

  /** Forgets the stamps of keys not in {@code current} (their objects were deleted). */
  public void retainOnly(Set<String> current) {
    changedAt
        .entrySet()
        .removeIf(
            entry -> {
              if (current.contains(entry.getKey())) {
                return false;
              }
              entry.getValue().nanos = Stamp.RETIRED;
              return true;
            });
  }
}
