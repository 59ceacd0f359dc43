package com.emailgistics.webhooks.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code count} messages posted at once (ramped over {@code ramp}) to a mailbox whose one rule
 * delivers to the receiver's {@code /slow}, which answers after 5 s; so up to {@code count}
 * deliveries are in flight together, as many as the operator admits (the others are answered 503).
 * The load generator is this JVM (not the operator's); the operator's threads are sampled from its
 * JVM (ThreadMXBean over JMX, peak reset before the run) and from /proc (kernel threads: Java + GC
 * + JIT + VM). Once every message is in, the operator's live heap is read (after a full collection)
 * to give the heap one delivery in flight takes.
 */
final class SlowDeliveries {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Result(
      String label,
      int requested,
      int succeeded,
      int refused,
      List<String> failures,
      double seconds,
      long minMillis,
      long p50Millis,
      long p99Millis,
      long maxMillis,
      int baselineJvmThreads,
      int baselineOsThreads,
      int peakJvmThreads,
      int peakOsThreads,
      int peakInFlightOperator,
      long peakInFlightReceiver,
      long receiverConnectionsOpened,
      long receiverRequests,
      long operatorSucceeded,
      long operatorNotSucceeded,
      Map<String, Integer> threadsAtPeak,
      int inFlightAtThreadDump,
      Proc.CpuUsage cpu,
      long peakHeapBytes,
      long maxHeapBytes,
      long threadsStarted,
      Map<String, Long> operatorThreadCpu,
      long fullGcs,
      long fullGcMillis,
      String operatorExit,
      long liveHeapIdleBytes,
      long liveHeapLoadedBytes,
      int inFlightWhenMeasured,
      long peakResidentBytes) {

    /** Messages neither delivered nor answered 503: lost or failed. */
    int lost() {
      return requested - succeeded - refused;
    }

    /** Live heap one delivery in flight adds (with its message, connection and buffers). */
    long heapPerDeliveryBytes() {
      return inFlightWhenMeasured <= 0
          ? -1
          : (liveHeapLoadedBytes - liveHeapIdleBytes) / inFlightWhenMeasured;
    }
  }

  private static void sample(
      OperatorJvm operator,
      AtomicInteger peakOs,
      java.util.concurrent.atomic.AtomicLong peakHeap,
      AtomicInteger peakInFlight,
      AtomicReference<Map<String, Integer>> dump,
      AtomicInteger inFlightAtDump,
      AtomicInteger ticks,
      java.util.concurrent.atomic.AtomicLong peakResident) {
    peakOs.accumulateAndGet(operator.osThreads(), Math::max);
    peakResident.accumulateAndGet(Proc.residentBytes(operator.pid()), Math::max);
    if (ticks.incrementAndGet() % 10 == 0) {
      peakHeap.accumulateAndGet(operator.heapUsedBytes(), Math::max);
      int inFlight = operator.inFlightDeliveries();
      peakInFlight.accumulateAndGet(inFlight, Math::max);
      // Thread names at the fullest moment (at most every 200 ms, over JMX).
      if (inFlight > 0 && inFlight >= inFlightAtDump.get()) {
        dump.set(operator.threadsByName());
        inFlightAtDump.set(inFlight);
      }
    }
  }

  private static String lastLines(java.nio.file.Path log, int count) {
    String[] lines = ChildJvm.tail(log).split("\n");
    return String.join(
        " | ",
        java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - count), lines.length));
  }

  private SlowDeliveries() {}

  static Result run(
      String label,
      OperatorJvm operator,
      ReceiverProcess receiver,
      Proc.CpuMeter meter,
      String address,
      int count,
      Duration ramp,
      Duration timeout)
      throws Exception {
    ExecutorService clientThreads = Executors.newFixedThreadPool(4);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(clientThreads)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try {
      Thread.sleep(1000);
      long liveIdle = operator.liveHeapBytes();
      int baselineJvm = operator.liveThreads();
      int baselineOs = operator.osThreads();
      OperatorJvm.Deliveries before = operator.deliveries();
      Properties receiverBefore = receiver.resetPeaks();

      AtomicInteger peakOs = new AtomicInteger(baselineOs);
      java.util.concurrent.atomic.AtomicLong peakHeap =
          new java.util.concurrent.atomic.AtomicLong(operator.heapUsedBytes());
      AtomicInteger peakInFlight = new AtomicInteger();
      AtomicReference<Map<String, Integer>> dump = new AtomicReference<>(Map.of());
      AtomicInteger inFlightAtDump = new AtomicInteger(-1);
      AtomicInteger ticks = new AtomicInteger();
      java.util.concurrent.atomic.AtomicLong peakResident =
          new java.util.concurrent.atomic.AtomicLong();
      sampler.scheduleAtFixedRate(
          () -> {
            try {
              sample(
                  operator,
                  peakOs,
                  peakHeap,
                  peakInFlight,
                  dump,
                  inFlightAtDump,
                  ticks,
                  peakResident);
            } catch (RuntimeException e) {
              // the operator JVM may be gone; keep sampling what /proc still shows
            }
          },
          0,
          20,
          TimeUnit.MILLISECONDS);

      operator.resetPeakThreads();
      long threadsStartedBefore = operator.threadsStarted();
      long[] fullGcBefore = operator.fullGc();
      Map<String, Long> threadCpuBefore = Proc.threadCpuMillisByName(operator.pid());
      meter.begin();
      long started = System.nanoTime();
      URI uri = URI.create(operator.dispatchUrl("/v1/mailboxes/" + address + "/messages"));
      List<CompletableFuture<Void>> futures = new ArrayList<>(count);
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger succeeded = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      long rampNanos = ramp.toNanos();
      for (int i = 0; i < count; i++) {
        long due = started + rampNanos * i / count;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        String body = Workload.MESSAGE.replace("bench-msg-0001", "slow-" + label + "-" + i);
        HttpRequest request =
            HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + OperatorJvm.DISPATCH_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long sent = System.nanoTime();
        futures.add(
            client
                .sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle(
                    (response, failure) -> {
                      latencies.add((System.nanoTime() - sent) / 1_000_000);
                      String problem = failure != null ? failure.toString() : check(response);
                      if (problem == null) {
                        succeeded.incrementAndGet();
                      } else if (response != null && response.statusCode() == 503) {
                        refused.incrementAndGet();
                      } else if (failures.size() < 20) {
                        failures.add(problem);
                      }
                      return null;
                    }));
      }
      // Every message is in; its delivery waits 5 s at the receiver: read the live heap now.
      Thread.sleep(1000);
      int inFlightWhenMeasured = operator.inFlightDeliveries();
      long liveLoaded = operator.isAlive() ? operator.liveHeapBytes() : -1;
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis() + ramp.toMillis() + 30_000, TimeUnit.MILLISECONDS);
      double seconds = (System.nanoTime() - started) / 1e9;
      Proc.CpuUsage cpu = meter.end();
      Map<String, Long> threadCpu =
          Proc.difference(Proc.threadCpuMillisByName(operator.pid()), threadCpuBefore);
      sampler.shutdownNow();
      sampler.awaitTermination(5, TimeUnit.SECONDS);
      Thread.sleep(500);
      boolean exited = !operator.isAlive();
      int peakJvm = exited ? -1 : operator.peakThreads();
      OperatorJvm.Deliveries delta =
          exited ? new OperatorJvm.Deliveries(0, 0, 0) : operator.deliveries().minus(before);
      long[] fullGc = exited ? new long[] {-1, -1} : operator.fullGc();
      String exit =
          exited ? "the operator JVM exited during the run: " + lastLines(operator.log(), 3) : null;
      Properties receiverAfter = receiver.stats();

      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      List<String> failureList = new ArrayList<>(failures);
      return new Result(
          label,
          count,
          succeeded.get(),
          refused.get(),
          failureList,
          seconds,
          sorted.get(0),
          percentile(sorted, 50),
          percentile(sorted, 99),
          sorted.get(sorted.size() - 1),
          baselineJvm,
          baselineOs,
          peakJvm,
          peakOs.get(),
          peakInFlight.get(),
          ReceiverProcess.counter(receiverAfter, "slowInFlightPeak"),
          ReceiverProcess.counter(receiverAfter, "connectionsOpened")
              - ReceiverProcess.counter(receiverBefore, "connectionsOpened"),
          ReceiverProcess.counter(receiverAfter, "slow")
              - ReceiverProcess.counter(receiverBefore, "slow"),
          delta.succeeded(),
          delta.notSucceeded(),
          dump.get(),
          inFlightAtDump.get(),
          cpu,
          peakHeap.get(),
          exited ? -1 : operator.heapMaxBytes(),
          exited ? -1 : operator.threadsStarted() - threadsStartedBefore,
          threadCpu,
          exited ? -1 : fullGc[0] - fullGcBefore[0],
          exited ? -1 : fullGc[1] - fullGcBefore[1],
          exit,
          liveIdle,
          liveLoaded,
          inFlightWhenMeasured,
          peakResident.get());
    } finally {
      sampler.shutdownNow();
      clientThreads.shutdownNow();
    }
  }

  /** Null when the dispatch answer reports one successful delivery. */
  private static String check(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      return "HTTP " + response.statusCode() + ": " + abbreviate(response.body());
    }
    try {
      JsonNode report = JSON.readTree(response.body());
      JsonNode deliveries = report.path("deliveries");
      if (deliveries.size() != 1
          || !"Succeeded".equals(deliveries.get(0).path("outcome").asText())) {
        return "delivery not successful: " + abbreviate(deliveries.toString());
      }
      return null;
    } catch (Exception e) {
      return "unreadable answer: " + abbreviate(response.body());
    }
  }

  private static String abbreviate(String text) {
    return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  static long percentile(List<Long> sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
