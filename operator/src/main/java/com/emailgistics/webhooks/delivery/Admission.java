package com.emailgistics.webhooks.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the work in flight so that load beyond capacity is refused, never queued without limit:
 * messages and their request bytes in flight (beyond either limit a message is answered 503),
 * deliveries in flight in all and per webhook. A delivery that finds no free slot waits in one FIFO
 * queue, whose length is bounded by the messages in flight (each waits for at most one delivery at
 * a time) plus the test deliveries in progress (at most one per Webhook version). Shared by every
 * event loop; waiters resume on their own.
 */
public final class Admission {
  /** The limits; every one at least 1. */
  public record Limits(
      int maxMessages, long maxBytes, int maxDeliveries, int maxDeliveriesPerWebhook) {
    public Limits {
      if (maxMessages < 1 || maxBytes < 1 || maxDeliveries < 1 || maxDeliveriesPerWebhook < 1) {
        throw new IllegalArgumentException("admission limits must be at least 1: " + this);
      }
    }
  }

  /** A held delivery slot; release it exactly once. */
  public interface Slot {
    void release();
  }

  private final Limits limits;
  private final MeterRegistry metrics;
  private final Timer queueWait;
  private final Counter messagesRefused;
  private final Counter bytesRefused;
  private final Counter deliveriesRefused;
  private final Counter webhookDeliveriesRefused;
  private final Map<String, Integer> perWebhook = new HashMap<>();
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private int messages;
  private long messageBytes;
  private int deliveries;

  public Admission(Limits limits, MeterRegistry metrics) {
    this.limits = limits;
    this.metrics = metrics;
    Gauge.builder("emailgistics_messages_in_flight", this, Admission::messagesInFlight)
        .description("Messages being dispatched")
        .register(metrics);
    Gauge.builder("emailgistics_deliveries_in_flight", this, Admission::deliveriesInFlight)
        .description("Deliveries and test deliveries holding a slot")
        .register(metrics);
    Gauge.builder("emailgistics_deliveries_waiting", this, Admission::deliveriesWaiting)
        .description("Deliveries waiting for a free slot")
        .register(metrics);
    queueWait =
        Timer.builder("emailgistics_delivery_queue_wait")
            .description("Time deliveries waited for a free slot")
            .publishPercentileHistogram()
            .register(metrics);
    messagesRefused = refusals("messages_in_flight");
    bytesRefused = refusals("bytes_in_flight");
    deliveriesRefused = refusals("deliveries_in_flight");
    webhookDeliveriesRefused = refusals("webhook_deliveries_in_flight");
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Takes a message slot for a request of {@code bytes}; false when {@link Limits#maxMessages}
   * messages or {@link Limits#maxBytes} request bytes are in flight.
   */
  public synchronized boolean tryAdmitMessage(long bytes) {
    if (messages >= limits.maxMessages() || messageBytes + bytes > limits.maxBytes()) {
      (messages >= limits.maxMessages() ? messagesRefused : bytesRefused).increment();
      return false;
    }
    messages++;
    messageBytes += bytes;
    return true;
  }

  public synchronized void messageDone(long bytes) {
    messages--;
    messageBytes -= bytes;
  }

  /**
   * A delivery slot for {@code webhook} if one is free now. Taking it jumps no queue: whoever waits
   * has no room (every release hands out all the slots that waiters can take).
   */
  public synchronized Slot tryAcquire(String webhook) {
    if (!hasRoom(webhook)) {
      (deliveries >= limits.maxDeliveries() ? deliveriesRefused : webhookDeliveriesRefused)
          .increment();
      return null;
    }
    return take(webhook);
  }

  /**
   * A delivery slot for {@code webhook}, now or once one frees up; the future completes on {@code
   * context}. Give up waiting with {@link Waiting#cancel()}.
   */
  public synchronized Waiting acquire(String webhook, Context context) {
    if (hasRoom(webhook)) {
      return new Waiting(Future.succeededFuture(take(webhook)), null);
    }
    Waiter waiter = new Waiter(webhook, context, Promise.promise(), System.nanoTime());
    waiting.addLast(waiter);
    return new Waiting(waiter.promise.future(), waiter);
  }

  /** A pending {@link #acquire}. */
  public final class Waiting {
    private final Future<Slot> slot;
    private final Waiter waiter;

    private Waiting(Future<Slot> slot, Waiter waiter) {
      this.slot = slot;
      this.waiter = waiter;
    }

    public Future<Slot> slot() {
      return slot;
    }

    /** Leaves the queue; true if the slot had not been granted yet (then it never will be). */
    public boolean cancel() {
      synchronized (Admission.this) {
        return waiter != null && waiting.remove(waiter);
      }
    }
  }

  public synchronized int messagesInFlight() {
    return messages;
  }

  public synchronized int deliveriesInFlight() {
    return deliveries;
  }

  public synchronized int deliveriesWaiting() {
    return waiting.size();
  }

  private boolean hasRoom(String webhook) {
    return deliveries < limits.maxDeliveries()
        && perWebhook.getOrDefault(webhook, 0) < limits.maxDeliveriesPerWebhook();
  }

  private Slot take(String webhook) {
    deliveries++;
    perWebhook.merge(webhook, 1, Integer::sum);
    return new HeldSlot(webhook);
  }

  private synchronized void release(String webhook) {
    deliveries--;
    perWebhook.computeIfPresent(webhook, (key, count) -> count == 1 ? null : count - 1);
    for (Iterator<Waiter> it = waiting.iterator();
        it.hasNext() && deliveries < limits.maxDeliveries(); ) {
      Waiter next = it.next();
      if (hasRoom(next.webhook)) {
        it.remove();
        Slot slot = take(next.webhook);
        queueWait.record(System.nanoTime() - next.since, TimeUnit.NANOSECONDS);
        next.context.runOnContext(ignored -> next.promise.complete(slot));
      }
    }
  }

  private Counter refusals(String reason) {
    return Counter.builder("emailgistics_admission_refusals")
        .description("Work refused at admission, by the limit that was reached")
        .tag("limit", reason)
        .register(metrics);
  }

  private record Waiter(String webhook, Context context, Promise<Slot> promise, long since) {}

  private final class HeldSlot implements Slot {
    private final String webhook;
    private boolean released;

    HeldSlot(String webhook) {
      this.webhook = webhook;
    }

    @Override
    public void release() {
      if (!released) {
        released = true;
        Admission.this.release(webhook);
      }
    }
  }
}
