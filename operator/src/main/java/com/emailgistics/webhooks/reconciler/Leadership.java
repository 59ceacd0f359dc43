package com.emailgistics.webhooks.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this replica may reconcile. With leader election the replicas compete for a Lease; the
 * one holding it reconciles, the others keep their caches warm and serve dispatch. A replica that
 * loses the Lease (for instance when it cannot renew it through an API server outage) stops
 * reconciling, not running: dispatch never depended on the Lease. It then competes again, and when
 * it leads again it reconciles every resource once, since it did not act on the events it saw
 * meanwhile.
 */
public final class Leadership implements AutoCloseable {
  public static final Duration LEASE_DURATION = Duration.ofSeconds(15);
  public static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  public static final Duration RETRY_PERIOD = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final KubernetesClient client;
  private final LeaseLock lock;
  private final String identity;
  private final List<Runnable> onElected = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService threads;
  private volatile boolean leading;
  private volatile boolean closed;
  private volatile CompletableFuture<?> round;

  private Leadership(KubernetesClient client, LeaseLock lock, String identity, boolean leading) {
    this.client = client;
    this.lock = lock;
    this.identity = identity;
    this.leading = leading;
    this.threads =
        lock == null
            ? null
            : Executors.newScheduledThreadPool(
                2,
                runnable -> {
                  Thread thread = new Thread(runnable, "leader-election");
                  thread.setDaemon(true);
                  return thread;
                });
  }

  /** Without leader election: this replica always reconciles. */
  public static Leadership always() {
    return new Leadership(null, null, null, true);
  }

  /** Competes for the Lease {@code name} in {@code namespace} as {@code identity}. */
  public static Leadership elect(
      KubernetesClient client, String namespace, String name, String identity) {
    return new Leadership(client, new LeaseLock(namespace, name, identity), identity, false);
  }

  /** Runs {@code action} (on a thread of its own) each time this replica becomes the leader. */
  public void onElected(Runnable action) {
    onElected.add(action);
  }

  public boolean leading() {
    return leading;
  }

  public void start() {
    if (lock != null) {
      compete();
    }
  }

  private void compete() {
    if (closed) {
      return;
    }
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            this::elected,
            () -> stepDown("could not renew it"),
            leader -> LOG.info("The leader is now {}", leader));
    round =
        new LeaderElectorBuilder(client, threads)
            .withConfig(
                new LeaderElectionConfig(
                    lock,
                    LEASE_DURATION,
                    RENEW_DEADLINE,
                    RETRY_PERIOD,
                    callbacks,
                    true,
                    lock.describe()))
            .build()
            .start();
    round.whenComplete(
        (ignored, failure) -> {
          stepDown(failure == null ? "its round ended" : failure.toString());
          if (!closed) {
            threads.schedule(this::compete, RETRY_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  private void elected() {
    leading = true;
    LOG.info("{} holds the lease {}: reconciling", identity, lock.describe());
    onElected.forEach(Runnable::run);
  }

  private void stepDown(String why) {
    if (leading) {
      leading = false;
      if (!closed) {
        LOG.warn(
            "{} lost the lease {} ({}): reconciliation paused, dispatch goes on; competing for the lease again",
            identity,
            lock.describe(),
            why);
      }
    }
  }

  /** Stops competing; a held Lease is released so that another replica takes over at once. */
  @Override
  public void close() {
    closed = true;
    CompletableFuture<?> current = round;
    if (current != null) {
      current.cancel(true);
    }
    if (threads != null) {
      threads.shutdown();
      try {
        threads.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    leading = lock == null;
  }
}
