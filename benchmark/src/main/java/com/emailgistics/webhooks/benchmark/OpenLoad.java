package com.emailgistics.webhooks.benchmark;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open-loop load generator: requests are sent at a fixed rate whatever the answers take (unlike
 * wrk, whose connections wait for their answer), so an offered load beyond capacity really arrives.
 * One event loop in the benchmark JVM, keep-alive connections; latency is measured from the time a
 * request was due, so a generator that falls behind shows it. Every outcome is counted: status 200,
 * 503, other statuses, and transport errors (connection resets included).
 */
final class OpenLoad {
  /** What one run offered and what came back; latencies in milliseconds. */
  record Result(
      double rate,
      double seconds,
      long due,
      long sent,
      long ok,
      long refused,
      long otherStatus,
      long transportErrors,
      long unanswered,
      double p50,
      double p99,
      double max,
      List<String> errorSamples) {
    double okPerSecond() {
      return ok / seconds;
    }

    double sentPerSecond() {
      return sent / seconds;
    }

    String summary() {
      return String.format(
          Locale.ROOT,
          "offered %.0f msg/s (sent %.0f/s): %d x 200 (%.0f/s), %d x 503, %d other statuses,"
              + " %d transport errors, %d unanswered; latency of 200s p50 %.1f ms, p99 %.1f ms, max %.1f ms",
          rate,
          sentPerSecond(),
          ok,
          okPerSecond(),
          refused,
          otherStatus,
          transportErrors,
          unanswered,
          p50,
          p99,
          max);
    }
  }

  private OpenLoad() {}

  /**
   * Sends POSTs of {@code body} to {@code url} at {@code rate} per second for {@code duration} over
   * at most {@code connections} connections, then waits up to {@code grace} for the last answers.
   */
  static Result run(
      String url,
      String body,
      String token,
      double rate,
      Duration duration,
      int connections,
      Duration grace)
      throws InterruptedException {
    URI uri = URI.create(url);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    HttpClientAgent client =
        vertx
            .httpClientBuilder()
            .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setIdleTimeout(60))
            .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
            .build();
    Buffer payload = Buffer.buffer(body);
    AtomicLong due = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong other = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    double perNano = rate / 1e9;
    CountDownLatch scheduled = new CountDownLatch(1);
    vertx.runOnContext(
        ignored ->
            vertx.setPeriodic(
                1,
                id -> {
                  long now = System.nanoTime();
                  long target = (long) ((Math.min(now, end) - start) * perNano);
                  while (due.get() < target) {
                    long dueAt = start + (long) (due.getAndIncrement() / perNano);
                    RequestOptions request =
                        new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setHost(uri.getHost())
                            .setPort(uri.getPort())
                            .setURI(uri.getRawPath())
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Authorization", "Bearer " + token);
                    client
                        .request(request)
                        .compose(
                            r -> {
                              sent.incrementAndGet();
                              return r.send(payload);
                            })
                        .compose(
                            response -> response.body().map(ignoredBody -> response.statusCode()))
                        .onComplete(
                            done -> {
                              answered.incrementAndGet();
                              if (done.failed()) {
                                errors.incrementAndGet();
                                if (samples.size() < 5) {
                                  samples.add(done.cause().toString());
                                }
                              } else if (done.result() == 200) {
                                ok.incrementAndGet();
                                latencies.add(System.nanoTime() - dueAt);
                              } else if (done.result() == 503) {
                                refused.incrementAndGet();
                              } else {
                                other.incrementAndGet();
                                if (samples.size() < 5) {
                                  samples.add("HTTP " + done.result());
                                }
                              }
                            });
                  }
                  if (now >= end) {
                    vertx.cancelTimer(id);
                    scheduled.countDown();
                  }
                }));
    scheduled.await();
    long graceEnd = System.nanoTime() + grace.toNanos();
    while (answered.get() < due.get() && System.nanoTime() < graceEnd) {
      Thread.sleep(50);
    }
    double seconds = duration.toNanos() / 1e9;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    client.close();
    vertx
        .close()
        .toCompletionStage()
        .toCompletableFuture()
        .orTimeout(10, TimeUnit.SECONDS)
        .exceptionally(e -> null)
        .join();
    return new Result(
        rate,
        seconds,
        due.get(),
        sent.get(),
        ok.get(),
        refused.get(),
        other.get(),
        errors.get(),
        due.get() - answered.get(),
        millis(sorted, 50),
        millis(sorted, 99),
        sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6,
        List.copyOf(samples));
  }

  private static double millis(List<Long> sorted, double percentile) {
    return sorted.isEmpty() ? 0 : SlowDeliveries.percentile(sorted, percentile) / 1e6;
  }
}
