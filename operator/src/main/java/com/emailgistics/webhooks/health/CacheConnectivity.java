package com.emailgistics.webhooks.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Whether the informers are connected to the API server, and for how long they have not been.
 * Dispatch keeps serving from the caches while they are disconnected, so this is a metric
 * (staleness), not a readiness input: an API server restart must not take every replica out of its
 * Service at once.
 */
public final class CacheConnectivity {
  private final BooleanSupplier connected;
  private final Clock clock;
  private volatile Instant lastConnected;
  private volatile boolean connectedNow;

  public CacheConnectivity(BooleanSupplier connected, Clock clock, MeterRegistry metrics) {
    this.connected = connected;
    this.clock = clock;
    this.lastConnected = Instant.now(clock);
    Gauge.builder("emailgistics_informers_connected", this, c -> c.connectedNow ? 1 : 0)
        .description("1 while every informer is connected to the API server, else 0")
        .register(metrics);
    Gauge.builder(
            "emailgistics_cache_staleness_seconds", this, c -> c.staleness().toMillis() / 1000.0)
        .description(
            "Seconds since the informers were last all connected (0 while connected): how old dispatch's view may be")
        .register(metrics);
  }

  /** Called about once a second. */
  public void sample() {
    connectedNow = connected.getAsBoolean();
    if (connectedNow) {
      lastConnected = Instant.now(clock);
    }
  }

  /** Zero while connected, else the time since the informers were last all connected. */
  public Duration staleness() {
    return connectedNow ? Duration.ZERO : Duration.between(lastConnected, Instant.now(clock));
  }
}
