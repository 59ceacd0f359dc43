package com.emailgistics.webhooks.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The time a message's deliveries have left. It passes at a fixed time, or earlier when {@link
 * #expire} cuts it short (the operator shutting down); whatever is in flight then is cancelled
 * through the hook registered with {@link #onExpire}. Confined to one event loop.
 */
public final class Deadline {
  private final long atNanos;
  private final String description;
  private String cutShortBecause;
  private Runnable hook;

  private Deadline(long atNanos, String description) {
    this.atNanos = atNanos;
    this.description = description;
  }

  /** A deadline {@code budget} from now; {@code description} says whose, for messages. */
  public static Deadline in(Duration budget, String description) {
    return new Deadline(System.nanoTime() + budget.toNanos(), description);
  }

  /** Practically none: for test deliveries, which have only their per-attempt timeout. */
  public static Deadline none() {
    return new Deadline(System.nanoTime() + TimeUnit.DAYS.toNanos(365), "none");
  }

  public long remainingMillis() {
    return cutShortBecause != null
        ? 0
        : Math.max(0, TimeUnit.NANOSECONDS.toMillis(atNanos - System.nanoTime()));
  }

  public boolean passed() {
    return remainingMillis() == 0;
  }

  /** Whose deadline this is, e.g. "the message deadline of 330 s". */
  public String description() {
    return description;
  }

  /** Why nothing more may run: the deadline, or what cut it short. */
  public String reason() {
    return cutShortBecause != null ? cutShortBecause : description + " passed";
  }

  /** Ends the deadline now and runs the registered hook. */
  public void expire(String because) {
    if (cutShortBecause == null) {
      cutShortBecause = because;
      Runnable running = hook;
      hook = null;
      if (running != null) {
        running.run();
      }
    }
  }

  /**
   * {@code cancel} runs if the deadline is cut short before {@link #clearHook()}; one at a time.
   */
  public void onExpire(Runnable cancel) {
    hook = cancel;
  }

  public void clearHook() {
    hook = null;
  }
}
