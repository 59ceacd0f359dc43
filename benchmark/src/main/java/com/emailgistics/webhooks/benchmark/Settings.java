package com.emailgistics.webhooks.benchmark;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What to run, from system properties (scripts/benchmark.sh maps its BENCH_* environment variables
 * onto them). Every loop of the benchmark is bounded by these counts and durations.
 */
record Settings(
    Path repo,
    Path operatorJar,
    Path output,
    Path workDir,
    String command,
    Duration duration,
    Duration warmup,
    int connections,
    int rounds,
    int scaleRounds,
    int mailboxes,
    int slowDeliveries,
    Duration slowDelay,
    String operatorHeap,
    String scaleOperatorHeap,
    String nginxWorkers,
    int receiverEventLoops,
    Duration settleTimeout,
    java.util.List<String> operatorJavaOptions,
    java.util.Set<String> phases,
    int secondsBefore) {

  static final java.util.Set<String> ALL_PHASES =
      java.util.Set.of(
          "throughput", "sweep", "floor", "slow", "overload", "drain", "outage", "scale");

  boolean runs(String phase) {
    return phases.contains(phase);
  }

  boolean complete() {
    return phases.containsAll(ALL_PHASES);
  }

  static Settings fromSystemProperties() {
    Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
    return new Settings(
        repo,
        Path.of(
                System.getProperty(
                    "bench.operatorJar",
                    repo.resolve("operator/target/emailgistics-webhooks-operator.jar").toString()))
            .toAbsolutePath(),
        Path.of(System.getProperty("bench.output", repo.resolve("docs/benchmarks.md").toString()))
            .toAbsolutePath(),
        Path.of(
                System.getProperty(
                    "bench.workDir", repo.resolve("benchmark/target/run").toString()))
            .toAbsolutePath(),
        System.getProperty("bench.command", "scripts/benchmark.sh"),
        Duration.ofSeconds(bounded("bench.duration", 20, 5, 600)),
        Duration.ofSeconds(bounded("bench.warmup", 60, 0, 600)),
        bounded("bench.connections", 16, 1, 1000),
        bounded("bench.rounds", 3, 1, 9),
        bounded("bench.scaleRounds", 5, 1, 9),
        bounded("bench.mailboxes", 5000, 2, 5000),
        bounded("bench.slowDeliveries", 5000, 1, 10000),
        Duration.ofMillis(bounded("bench.slowDelayMillis", 5000, 100, 60_000)),
        System.getProperty("bench.operatorHeap", "384m"),
        System.getProperty("bench.scaleOperatorHeap", "768m"),
        System.getProperty("bench.nginxWorkers", "auto"),
        bounded("bench.receiverEventLoops", 2, 1, 16),
        Duration.ofSeconds(bounded("bench.settleTimeoutSeconds", 1200, 30, 7200)),
        words(System.getProperty("bench.operatorJavaOptions", "")),
        phases(System.getProperty("bench.phases", "")),
        bounded("bench.secondsBefore", 0, 0, 100_000));
  }

  private static java.util.List<String> words(String value) {
    return value.isBlank() ? java.util.List.of() : java.util.List.of(value.trim().split("\\s+"));
  }

  private static java.util.Set<String> phases(String value) {
    if (value.isBlank()) {
      return ALL_PHASES;
    }
    java.util.Set<String> phases = new java.util.HashSet<>(words(value.replace(',', ' ')));
    if (!ALL_PHASES.containsAll(phases)) {
      throw new IllegalArgumentException(
          "bench.phases: one or more of " + ALL_PHASES + ", not " + value);
    }
    return phases;
  }

  private static int bounded(String name, int fallback, int min, int max) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    int parsed = Integer.parseInt(value.trim());
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          name + " must be from " + min + " to " + max + ", not " + parsed);
    }
    return parsed;
  }
}
