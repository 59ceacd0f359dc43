package com.emailgistics.webhooks.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured, for the console summary and docs/benchmarks.md. */
final class Results {
  static final int THREAD_LIMIT = 200;
  static final double RATIO_TARGET = 0.80;
  static final double P99_FACTOR_TARGET = 2.0;
  /** "Independent of the number of mailboxes": within this fraction of the 1-mailbox figures. */
  static final double SCALE_TOLERANCE = 0.10;

  Instant started;
  Instant finished;
  Duration runtime;
  Settings settings;
  Machine machine;
  String kubernetesVersion;
  List<String> receiverJvmOptions = List.of();
  List<String> operatorJvmOptions = List.of();
  String nginxConfig = "";
  String sampleReport = "";
  final Map<String, Measurement> measurements = new LinkedHashMap<>();
  final Map<String, String> warmups = new LinkedHashMap<>();
  final List<Slow> slow = new ArrayList<>();
  final List<Slow> compareSlow = new ArrayList<>();
  Duration compareStartup;
  JfrSummary.Summary profile;
  Path profileFile;
  double profiledThroughput;
  long profileCompileMillis;
  int loadedMailboxes;
  int loadedRules;
  Duration loadTime;
  Duration settleTime;
  long heapAfterLoadBytes;
  long liveHeapBaseBytes;
  long liveHeapAfterLoadBytes;
  long liveHeapControlBytes;
  long operatorHeapMaxBytes;
  long sampleRuleJsonBytes;
  long sampleRuleManagedFieldsBytes;
  List<String> sampleRuleManagers = List.of();
  int operatorRestarts;

  /** One wrk run and what the processes did meanwhile. */
  record Measurement(String key, String title, Wrk.Result wrk, Proc.CpuUsage cpu, int deliveriesPerMessage,
      OperatorJvm.Deliveries deliveries, int peakJvmThreads, long gcCount, long gcMillis, long receiverRequests,
      Map<String, Long> operatorThreadCpu, long threadsStarted, long compileMillis, long[] operatorScheduler) {

    /** Anything that makes the figures untrustworthy: errors, failed or missing deliveries. */
    List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (wrk.errors() > 0) {
        problems.add(wrk.errors() + " socket errors");
      }
      if (wrk.non2xx() > 0) {
        problems.add(wrk.non2xx() + " answers with HTTP status >= 400");
      }
      if (wrk.timeouts() > 0) {
        problems.add(wrk.timeouts() + " timeouts");
      }
      if (deliveriesPerMessage > 0) {
        if (deliveries.notSucceeded() > 0) {
          problems.add(deliveries.notSucceeded() + " deliveries did not succeed");
        }
        long expected = wrk.requests() * deliveriesPerMessage;
        if (deliveries.succeeded() < expected) {
          problems.add("only " + deliveries.succeeded() + " successful deliveries for " + expected + " expected");
        }
        if (deliveries.attempts() > deliveries.succeeded() + deliveries.notSucceeded()) {
          problems.add((deliveries.attempts() - deliveries.succeeded() - deliveries.notSucceeded()) + " retries");
        }
      }
      if (receiverRequests < wrk.requests() * Math.max(1, deliveriesPerMessage)) {
        problems.add("the receiver saw only " + receiverRequests + " requests");
      }
      return problems;
    }

    double perSecond() {
      return wrk.perSecond();
    }

    /** CPU ms per message of one process group. */
    double cpuPerMessage(String group) {
      Long millis = cpu.millisByGroup().get(group);
      return millis == null || wrk.requests() == 0 ? 0 : millis / (double) wrk.requests();
    }
  }

  record Slow(SlowDeliveries.Result result) {
    boolean allSucceeded() {
      return result.operatorExit() == null && result.succeeded() == result.requested()
          && result.operatorSucceeded() >= result.requested() && result.operatorNotSucceeded() == 0;
    }

    /** Deliveries the receiver saw beyond one per message: retries after timeouts or failures. */
    long retries() {
      return Math.max(0, result.receiverRequests() - result.requested());
    }

    /** Java threads (ThreadMXBean peak) and kernel threads (sampled peak) both within the limit. */
    boolean threadsWithinLimit() {
      return result.peakJvmThreads() >= 0 && result.peakJvmThreads() <= THREAD_LIMIT
          && result.peakOsThreads() <= THREAD_LIMIT;
    }
  }

  Measurement get(String key) {
    return measurements.get(key);
  }

  /** Dispatch (1 rule) throughput over nginx throughput. */
  double ratio() {
    return get(BenchmarkMain.DISPATCH_1).perSecond() / get(BenchmarkMain.NGINX).perSecond();
  }

  double p99Factor() {
    return get(BenchmarkMain.DISPATCH_1).wrk().p99() / get(BenchmarkMain.NGINX).wrk().p99();
  }
}
