package com.emailgistics.webhooks.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Warning Event per key and window: repeats inside the window are only counted, and the count
 * is mentioned in the next Event, so a failing endpoint does not flood a namespace with Events.
 */
final class WarningWindows {
  private static final int MAX_KEYS = 10_000;

  private final Duration length;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private record Window(Instant opened, int previouslySuppressed, AtomicInteger suppressed) {}

  WarningWindows(Duration length, Clock clock) {
    this.length = length;
    this.clock = clock;
  }

  /**
   * Empty when an Event for {@code key} was already emitted in the current window; else how many
   * were suppressed in the previous one.
   */
  OptionalInt admit(String key) {
    Instant now = Instant.now(clock);
    if (windows.size() >= MAX_KEYS) {
      windows.values().removeIf(window -> now.isAfter(window.opened().plus(length)));
    }
    boolean[] opened = {false};
    Window window =
        windows.compute(
            key,
            (k, old) -> {
              if (old == null || now.isAfter(old.opened().plus(length))) {
                opened[0] = true;
                return new Window(
                    now, old == null ? 0 : old.suppressed().get(), new AtomicInteger());
              }
              old.suppressed().incrementAndGet();
              return old;
            });
    return opened[0] ? OptionalInt.of(window.previouslySuppressed()) : OptionalInt.empty();
  }
}
