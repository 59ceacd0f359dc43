package com.emailgistics.webhooks.benchmark;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured, for the console summary and docs/benchmarks.md. */
final class Results {
  static final int THREAD_LIMIT = 200;
  static final double RATIO_TARGET = 0.80;
  static final double P99_FACTOR_TARGET = 2.0;
  static final int SLOW_RUNS = 5;
  static final double OVERLOAD_FACTOR = 3.0;

  /** Throughput under overload within this fraction of the unloaded figure. */
  static final double OVERLOAD_TOLERANCE = 0.10;

  /** "Independent of the number of mailboxes": within this fraction of the 1-mailbox figures. */
  static final double SCALE_TOLERANCE = 0.10;

  /** Live heap per MailboxRule (with its share of Mailboxes and Webhooks). */
  static final double HEAP_PER_RULE_TARGET_BYTES = 4096;

  /** From operator start to every rule Ready. */
  static final Duration COLD_START_TARGET = Duration.ofMinutes(5);

  Instant started;
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

  /** nginx and dispatch (1 rule), measured in turns. */
  final List<Measurement> nginxRounds = new ArrayList<>();

  final List<Measurement> dispatchRounds = new ArrayList<>();

  static final String RELAY_NETTY = "relay-netty";
  static final String RELAY_VERTX = "relay-vertx";

  /** Per round: nginx, then each bare relay ({@link RelayFloor}). */
  final List<Measurement> floorRounds = new ArrayList<>();

  /** The floor measurements of {@code key} (nginx or a relay mode), one per round. */
  List<Measurement> floor(String key) {
    return floorRounds.stream().filter(m -> m.key().startsWith(key + "-")).toList();
  }

  /** Throughput of a bare relay over nginx's in the same round, per round. */
  List<Double> floorRatios(String mode) {
    List<Measurement> nginx = floor(BenchmarkMain.NGINX);
    List<Measurement> relay = floor(mode);
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(nginx.size(), relay.size()); i++) {
      ratios.add(relay.get(i).perSecond() / nginx.get(i).perSecond());
    }
    return ratios;
  }

  /** Throughput against wrk connections. */
  final Map<Integer, Measurement> nginxSweep = new LinkedHashMap<>();

  final Map<Integer, Measurement> dispatchSweep = new LinkedHashMap<>();
  final List<SlowDeliveries.Result> slow = new ArrayList<>();
  Overload overload;
  Drain drain;
  Outage outage;
  int loadedMailboxes;
  int loadedRules;

  /** The scale scenario's rounds, by scenario (SCALE_BEFORE, SCALE_AFTER, SCALE_SPREAD). */
  final Map<String, List<Measurement>> scaleRounds = new LinkedHashMap<>();

  int scaleNamespaces;
  int scaleWebhooks;
  Duration createTime;
  Startup coldStart;
  Startup takeover;
  long liveHeapBaseBytes;
  long liveHeapCachedBytes;
  long liveHeapCompiledBytes;
  int operatorRestarts;

  /**
   * An operator JVM started with every scale object in the cluster: from its start until /readyz
   * answered 200, until every rule was Ready, the writes it sent until it was idle, and the CPU ms
   * of that JVM since its start and of kube-apiserver + etcd meanwhile.
   */
  record Startup(
      Duration toReady,
      Duration toAllReady,
      long reconciliations,
      Cluster.Writes writes,
      long operatorCpuMillis,
      long apiServerCpuMillis) {
    /** The operator's CPU ms per status write, or 0 without writes. */
    double operatorCpuMillisPerWrite() {
      return writes.status() == 0 ? 0 : (double) operatorCpuMillis / writes.status();
    }

    /** kube-apiserver's + etcd's CPU ms per status write, or 0 without writes. */
    double apiServerCpuMillisPerWrite() {
      return writes.status() == 0 ? 0 : (double) apiServerCpuMillis / writes.status();
    }
  }

  /** Live heap per MailboxRule beyond the base, with its share of Mailboxes and Webhooks. */
  double heapPerRuleBytes() {
    return (double) (liveHeapCompiledBytes - liveHeapBaseBytes)
        / (loadedRules - BenchmarkMain.BASE_RULES);
  }

  /** One wrk run and what the processes did meanwhile. */
  record Measurement(
      String key,
      String title,
      Wrk.Result wrk,
      Proc.CpuUsage cpu,
      int deliveriesPerMessage,
      OperatorJvm.Deliveries deliveries,
      int peakJvmThreads,
      long gcCount,
      long gcMillis,
      long receiverRequests) {

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
        // wrk stops with messages in flight; their callers are gone and their deliveries are cut.
        long tolerated = (long) wrk.connections() * deliveriesPerMessage;
        if (deliveries.notSucceeded() > tolerated) {
          problems.add(deliveries.notSucceeded() + " deliveries did not succeed");
        }
        if (deliveries.attempts() > deliveries.succeeded() + deliveries.notSucceeded()) {
          problems.add(
              (deliveries.attempts() - deliveries.succeeded() - deliveries.notSucceeded())
                  + " retries");
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

  /** Capacity measured closed loop ({@code capacityRun}), then three times it offered open loop. */
  record Overload(
      double capacity,
      Measurement capacityRun,
      OpenLoad.Result loaded,
      int operatorThreads,
      long fullGcs,
      boolean operatorAlive,
      Proc.CpuUsage cpu) {
    double throughputChange() {
      return loaded.okPerSecond() / capacity - 1;
    }

    boolean met() {
      return operatorAlive
          && loaded.transportErrors() == 0
          && loaded.otherStatus() == 0
          && loaded.unanswered() == 0
          && throughputChange() >= -OVERLOAD_TOLERANCE;
    }
  }

  /** SIGTERM with slow deliveries in flight. */
  record Drain(
      int inFlight,
      int answered200,
      int succeeded,
      List<String> failures,
      double drainSeconds,
      int exitCode) {
    boolean met() {
      return succeeded == inFlight && answered200 == inFlight;
    }
  }

  /** A kube-apiserver restart during open-loop load. */
  record Outage(
      Duration unavailable, OpenLoad.Result load, int readinessFailures, int readinessProbes) {
    boolean met() {
      return load.ok() == load.due() && readinessFailures == 0;
    }
  }

  /** The round of a scale scenario with the median throughput, or null if it did not run. */
  Measurement scale(String key) {
    List<Measurement> rounds = new ArrayList<>(scaleRounds.getOrDefault(key, List.of()));
    if (rounds.isEmpty()) {
      return null;
    }
    rounds.sort(Comparator.comparingDouble(Measurement::perSecond));
    return rounds.get(rounds.size() / 2);
  }

  Measurement get(String key) {
    return measurements.get(key);
  }

  /** The round with the median ratio of dispatch to nginx throughput. */
  int medianRound() {
    List<Integer> rounds = new ArrayList<>();
    for (int i = 0; i < dispatchRounds.size(); i++) {
      rounds.add(i);
    }
    rounds.sort(Comparator.comparingDouble(this::ratio));
    return rounds.get(rounds.size() / 2);
  }

  double ratio(int round) {
    return dispatchRounds.get(round).perSecond() / nginxRounds.get(round).perSecond();
  }

  double ratio() {
    return ratio(medianRound());
  }

  double p99Factor() {
    int round = medianRound();
    return dispatchRounds.get(round).wrk().p99() / nginxRounds.get(round).wrk().p99();
  }

  boolean slowMet() {
    return slow.size() == SLOW_RUNS
        && slow.stream()
            .allMatch(
                r ->
                    r.operatorExit() == null
                        && r.lost() == 0
                        && r.peakJvmThreads() >= 0
                        && r.peakJvmThreads() <= THREAD_LIMIT
                        && r.peakOsThreads() <= THREAD_LIMIT);
  }
}
