package com.emailgistics.webhooks.benchmark;

import static com.emailgistics.webhooks.benchmark.BenchmarkMain.DIRECT;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.DISPATCH_10;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.SCALE_AFTER;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.SCALE_BEFORE;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.SCALE_SPREAD;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The console summary, docs/benchmarks.md and its two plots. */
final class Report {
  static final String OPERATOR = "operator JVM";
  static final String RECEIVER = "receiver JVM";
  static final String NGINX_GROUP = "nginx";
  static final String WRK = "load generator (wrk)";
  static final String KUBE = "kube-apiserver + etcd";
  static final String BENCH = "benchmark JVM";
  static final String RELAY = "relay JVM";
  static final String OTHER = "unattributed";
  static final String LATENCY_PLOT = "benchmarks-latency.png";
  static final String THROUGHPUT_PLOT = "benchmarks-throughput.png";
  private static final Color DISPATCH_COLOR = new Color(31, 119, 180);
  private static final Color NGINX_COLOR = new Color(214, 39, 40);

  private Report() {}

  static String line(Results.Measurement m) {
    return String.format(
        Locale.ROOT,
        "%-28s %8.0f msg/s  p50 %6.2f ms  p99 %6.2f ms  (%d messages, %d errors; µs CPU/msg:"
            + " operator %.1f, nginx %.1f, relay %.1f, receiver %.1f)",
        m.key(),
        m.perSecond(),
        m.wrk().p50() / 1000,
        m.wrk().p99() / 1000,
        m.wrk().requests(),
        m.wrk().errors() + m.wrk().non2xx() + m.wrk().timeouts(),
        m.cpuPerMessage(OPERATOR) * 1000,
        m.cpuPerMessage(NGINX_GROUP) * 1000,
        m.cpuPerMessage(RELAY) * 1000,
        m.cpuPerMessage(RECEIVER) * 1000);
  }

  static String line(SlowDeliveries.Result r) {
    return String.format(
        Locale.ROOT,
        "%-8s %,d delivered, %,d answered 503, %d lost, in %.1f s; operator threads: JVM peak %d, kernel peak %d;"
            + " heap peak %d of %d MiB, resident peak %d MiB, %,d B live heap per delivery in flight; full GCs %d",
        r.label(),
        r.succeeded(),
        r.refused(),
        r.lost(),
        r.seconds(),
        r.peakJvmThreads(),
        r.peakOsThreads(),
        r.peakHeapBytes() >> 20,
        r.maxHeapBytes() >> 20,
        r.peakResidentBytes() >> 20,
        r.heapPerDeliveryBytes(),
        r.fullGcs());
  }

  // ------------------------------------------------------------------------------------------
  // verdicts

  /** One line per target: what was asked, what was measured, met or not. */
  private record Target(String asked, String measured, boolean met, boolean measuredAtAll) {}

  private static List<Target> targets(Results r) {
    List<Target> targets = new ArrayList<>();
    if (!r.dispatchRounds.isEmpty()) {
      int median = r.medianRound();
      Results.Measurement dispatch = r.dispatchRounds.get(median);
      Results.Measurement nginx = r.nginxRounds.get(median);
      StringBuilder rounds = new StringBuilder();
      for (int i = 0; i < r.dispatchRounds.size(); i++) {
        rounds.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", r.ratio(i)));
      }
      targets.add(
          new Target(
              String.format(
                  Locale.ROOT,
                  "Throughput ratio dispatch (1 rule) / nginx >= %.2f",
                  Results.RATIO_TARGET),
              String.format(
                  Locale.ROOT,
                  "%.0f / %.0f msg/s = **%.2f** (median of %d rounds: %s); operator %.1f µs CPU per message,"
                      + " nginx %.1f µs",
                  dispatch.perSecond(),
                  nginx.perSecond(),
                  r.ratio(),
                  r.dispatchRounds.size(),
                  rounds,
                  dispatch.cpuPerMessage(OPERATOR) * 1000,
                  nginx.cpuPerMessage(NGINX_GROUP) * 1000),
              r.ratio() >= Results.RATIO_TARGET,
              true));
      targets.add(
          new Target(
              String.format(
                  Locale.ROOT, "Dispatch p99 <= %.0fx nginx p99", Results.P99_FACTOR_TARGET),
              String.format(
                  Locale.ROOT,
                  "%.2f ms vs %.2f ms = **%.2fx**",
                  dispatch.wrk().p99() / 1000,
                  nginx.wrk().p99() / 1000,
                  r.p99Factor()),
              r.p99Factor() <= Results.P99_FACTOR_TARGET,
              true));
    }
    if (!r.slow.isEmpty()) {
      int delivered = r.slow.stream().mapToInt(SlowDeliveries.Result::succeeded).sum();
      int refused = r.slow.stream().mapToInt(SlowDeliveries.Result::refused).sum();
      int lost = r.slow.stream().mapToInt(SlowDeliveries.Result::lost).sum();
      long died = r.slow.stream().filter(x -> x.operatorExit() != null).count();
      int threads =
          r.slow.stream()
              .mapToInt(x -> Math.max(x.peakJvmThreads(), x.peakOsThreads()))
              .max()
              .orElse(-1);
      targets.add(
          new Target(
              String.format(
                  Locale.ROOT,
                  "%d runs of %,d concurrent deliveries to a 5 s endpoint, heap -Xmx%s:"
                      + " no OutOfMemoryError, each delivered or answered 503, <= %d live threads",
                  Results.SLOW_RUNS,
                  r.settings.slowDeliveries(),
                  r.settings.operatorHeap(),
                  Results.THREAD_LIMIT),
              String.format(
                  Locale.ROOT,
                  "%d runs: %,d delivered, %,d answered 503, **%d lost**; operator died %d times; peak **%d**"
                      + " threads",
                  r.slow.size(),
                  delivered,
                  refused,
                  lost,
                  died,
                  threads),
              r.slowMet(),
              true));
    }
    if (r.overload != null) {
      OpenLoad.Result loaded = r.overload.loaded();
      targets.add(
          new Target(
              String.format(
                  Locale.ROOT,
                  "Overload: %.0fx capacity for 30 s gets only 200 or 503, no connection"
                      + " resets, no OOM, throughput within %.0f%% of the unloaded figure",
                  Results.OVERLOAD_FACTOR,
                  Results.OVERLOAD_TOLERANCE * 100),
              String.format(
                  Locale.ROOT,
                  "%,d x 200, %,d x 503, %d other, **%d transport errors**, %d unanswered; %.0f msg/s vs"
                      + " %.0f msg/s unloaded (**%+.1f%%**); operator %s",
                  loaded.ok(),
                  loaded.refused(),
                  loaded.otherStatus(),
                  loaded.transportErrors(),
                  loaded.unanswered(),
                  loaded.okPerSecond(),
                  r.overload.capacity(),
                  r.overload.throughputChange() * 100,
                  r.overload.operatorAlive() ? "alive" : "DIED"),
              r.overload.met(),
              true));
    }
    if (r.drain != null) {
      targets.add(
          new Target(
              String.format(
                  Locale.ROOT,
                  "Drain: SIGTERM with %d slow deliveries in flight, all answered",
                  r.drain.inFlight()),
              String.format(
                  Locale.ROOT,
                  "**%d of %d** answered 200 (%d delivered); the process ended %.1f s"
                      + " after SIGTERM (exit %d)",
                  r.drain.answered200(),
                  r.drain.inFlight(),
                  r.drain.succeeded(),
                  r.drain.drainSeconds(),
                  r.drain.exitCode()),
              r.drain.met(),
              true));
    }
    if (r.outage != null) {
      OpenLoad.Result load = r.outage.load();
      targets.add(
          new Target(
              "API-server outage: a kube-apiserver restart during load causes zero failed dispatches",
              String.format(
                  Locale.ROOT,
                  "API server unavailable %.1f s; **%,d of %,d** messages answered 200 (%d x 503, %d other,"
                      + " %d transport errors); /readyz not 200 in %d of %d probes",
                  r.outage.unavailable().toMillis() / 1000.0,
                  load.ok(),
                  load.due(),
                  load.refused(),
                  load.otherStatus(),
                  load.transportErrors(),
                  r.outage.readinessFailures(),
                  r.outage.readinessProbes()),
              r.outage.met(),
              true));
    }
    if (r.scale(SCALE_AFTER) != null) {
      targets.add(
          new Target(
              String.format(
                  Locale.ROOT,
                  "Per-message cost independent of the number of mailboxes (%,d mailboxes"
                      + " x 20 rules loaded)",
                  r.settings.mailboxes()),
              scaleCell(r),
              scaleMet(r),
              true));
      targets.add(
          new Target(
              String.format(
                  Locale.ROOT,
                  "Live heap after a full GC <= %.0f KiB per MailboxRule (with its share of Mailboxes"
                      + " and Webhooks), every rule compiled for dispatch",
                  Results.HEAP_PER_RULE_TARGET_BYTES / 1024),
              String.format(
                  Locale.ROOT,
                  "**%.1f KiB** per rule: %d MiB with %,d rules, %d MiB before loading (heap limit %s)",
                  r.heapPerRuleBytes() / 1024,
                  r.liveHeapCompiledBytes >> 20,
                  r.loadedRules,
                  r.liveHeapBaseBytes >> 20,
                  r.settings.scaleOperatorHeap()),
              r.heapPerRuleBytes() <= Results.HEAP_PER_RULE_TARGET_BYTES,
              true));
      targets.add(
          new Target(
              String.format(
                  Locale.ROOT,
                  "Operator start to every one of %,d rules Ready < %d min",
                  r.loadedRules,
                  Results.COLD_START_TARGET.toMinutes()),
              String.format(
                  Locale.ROOT,
                  "**%.0f s** (/readyz 200 after %.0f s); status writes: %s; CPU per status"
                      + " write: operator %.2f ms, kube-apiserver + etcd %.2f ms",
                  r.coldStart.toAllReady().toMillis() / 1000.0,
                  r.coldStart.toReady().toMillis() / 1000.0,
                  r.coldStart.writes(),
                  r.coldStart.operatorCpuMillisPerWrite(),
                  r.coldStart.apiServerCpuMillisPerWrite()),
              r.coldStart.toAllReady().compareTo(Results.COLD_START_TARGET) < 0,
              true));
      targets.add(
          new Target(
              "Takeover: a new operator with every rule already Ready sends no status write",
              String.format(
                  Locale.ROOT,
                  "every rule Ready after %.0f s (/readyz 200 after %.0f s); writes: **%s**",
                  r.takeover.toAllReady().toMillis() / 1000.0,
                  r.takeover.toReady().toMillis() / 1000.0,
                  r.takeover.writes()),
              r.takeover.writes().status() == 0,
              true));
    }
    return targets;
  }

  static boolean scaleMet(Results r) {
    Results.Measurement before = r.scale(SCALE_BEFORE);
    for (String key : List.of(SCALE_AFTER, SCALE_SPREAD)) {
      Results.Measurement after = r.scale(key);
      if (after.perSecond() < before.perSecond() * (1 - Results.SCALE_TOLERANCE)
          || after.cpuPerMessage(OPERATOR)
              > before.cpuPerMessage(OPERATOR) * (1 + Results.SCALE_TOLERANCE)) {
        return false;
      }
    }
    return true;
  }

  private static String scaleCell(Results r) {
    Results.Measurement before = r.scale(SCALE_BEFORE);
    Results.Measurement same = r.scale(SCALE_AFTER);
    Results.Measurement spread = r.scale(SCALE_SPREAD);
    return String.format(
        Locale.ROOT,
        "1 mailbox: %.0f msg/s, %.1f µs CPU/msg; same mailbox among %,d: %.0f msg/s (%+.1f%%),"
            + " %.1f µs (%+.1f%%); spread over all: %.0f msg/s (%+.1f%%), %.1f µs (%+.1f%%)"
            + " (median rounds of %d)",
        before.perSecond(),
        before.cpuPerMessage(OPERATOR) * 1000,
        r.loadedMailboxes,
        same.perSecond(),
        change(same.perSecond(), before.perSecond()),
        same.cpuPerMessage(OPERATOR) * 1000,
        change(same.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR)),
        spread.perSecond(),
        change(spread.perSecond(), before.perSecond()),
        spread.cpuPerMessage(OPERATOR) * 1000,
        change(spread.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR)),
        r.settings.scaleRounds());
  }

  static double change(double value, double reference) {
    return (value / reference - 1) * 100;
  }

  private static String startupRow(String name, Results.Startup startup) {
    return String.format(
        Locale.ROOT,
        "| %s | %.1f s | %.1f s | %,d | %,d | %,d | %.0f | %.0f | %s |%n",
        name,
        startup.toReady().toMillis() / 1000.0,
        startup.toAllReady().toMillis() / 1000.0,
        startup.reconciliations(),
        startup.writes().status(),
        startup.writes().all(),
        startup.operatorCpuMillis() / 1000.0,
        startup.apiServerCpuMillis() / 1000.0,
        startup.writes().status() == 0
            ? "–"
            : String.format(
                Locale.ROOT,
                "%.2f / %.2f",
                startup.operatorCpuMillisPerWrite(),
                startup.apiServerCpuMillisPerWrite()));
  }

  static String console(Results r) {
    StringBuilder out = new StringBuilder("== Results\n");
    r.measurements.values().forEach(m -> out.append(line(m)).append('\n'));
    r.slow.forEach(s -> out.append(line(s)).append('\n'));
    if (!r.dispatchRounds.isEmpty()) {
      out.append(String.format(Locale.ROOT, "ratio: %.2f%n", r.ratio()));
    }
    for (String mode : List.of(Results.RELAY_NETTY, Results.RELAY_VERTX)) {
      if (!r.floorRatios(mode).isEmpty()) {
        out.append(
            String.format(
                Locale.ROOT,
                "floor %s: ratio to nginx per round %s%n",
                mode,
                r.floorRatios(mode).stream()
                    .map(x -> String.format(Locale.ROOT, "%.2f", x))
                    .toList()));
      }
    }
    for (Target target : targets(r)) {
      out.append(target.met() ? "met     " : "MISSED  ")
          .append(target.asked())
          .append(": ")
          .append(target.measured().replace("**", ""))
          .append('\n');
    }
    out.append(
        String.format(
            Locale.ROOT,
            "total runtime: %.0f s (%d s tool checks and builds + %.0f s benchmark)%n",
            r.settings.secondsBefore() + r.runtime.toMillis() / 1000.0,
            r.settings.secondsBefore(),
            r.runtime.toMillis() / 1000.0));
    return out.toString();
  }

  // ------------------------------------------------------------------------------------------
  // markdown

  static void write(Results r, Path output) throws IOException {
    Path directory = output.toAbsolutePath().getParent();
    plots(r, directory);
    Files.writeString(output, markdown(r));
  }

  private static void plots(Results r, Path directory) throws IOException {
    if (!r.dispatchRounds.isEmpty()) {
      int median = r.medianRound();
      Plot.write(
          directory.resolve(LATENCY_PLOT),
          "Latency distribution, 1-rule dispatch vs nginx ("
              + r.settings.connections()
              + " connections, median round)",
          "percentile",
          "latency (ms, log scale)",
          List.of("p50", "p75", "p90", "p95", "p99", "p99.9"),
          List.of(
              new Plot.Series(
                  "dispatch",
                  DISPATCH_COLOR,
                  millis(r.dispatchRounds.get(median).wrk().percentiles())),
              new Plot.Series(
                  "nginx", NGINX_COLOR, millis(r.nginxRounds.get(median).wrk().percentiles()))),
          true);
    }
    if (!r.dispatchSweep.isEmpty()) {
      List<String> categories = r.dispatchSweep.keySet().stream().map(String::valueOf).toList();
      Plot.write(
          directory.resolve(THROUGHPUT_PLOT),
          "Throughput against concurrency, 1-rule dispatch vs nginx",
          "wrk connections (closed loop)",
          "messages per second",
          categories,
          List.of(
              new Plot.Series(
                  "dispatch",
                  DISPATCH_COLOR,
                  r.dispatchSweep.values().stream()
                      .mapToDouble(Results.Measurement::perSecond)
                      .toArray()),
              new Plot.Series(
                  "nginx",
                  NGINX_COLOR,
                  r.nginxSweep.values().stream()
                      .mapToDouble(Results.Measurement::perSecond)
                      .toArray())),
          false);
    }
  }

  private static double[] millis(double[] micros) {
    double[] values = new double[micros.length];
    for (int i = 0; i < micros.length; i++) {
      values[i] = micros[i] / 1000;
    }
    return values;
  }

  static String markdown(Results r) {
    StringBuilder md = new StringBuilder();
    Settings s = r.settings;
    md.append("# Benchmarks\n\n");
    md.append(
            "Measured figures of the data plane, written by `scripts/benchmark.sh` (module `benchmark/`). Re-running the"
                + " command overwrites this file and its two plots. Run started ")
        .append(DateTimeFormatter.ISO_INSTANT.format(r.started.truncatedTo(ChronoUnit.SECONDS)))
        .append(
            String.format(
                Locale.ROOT,
                "; the command took %.0f s (%d s of tool checks and builds, then %.0f s of benchmark)."
                    + " Figures vary between runs on this shared 2-core machine: compare within one run.%n%n",
                s.secondsBefore() + r.runtime.toMillis() / 1000.0,
                s.secondsBefore(),
                r.runtime.toMillis() / 1000.0));

    md.append("## Summary\n\n");
    if (!r.dispatchRounds.isEmpty()) {
      md.append(String.format(Locale.ROOT, "ratio: %.2f%n%n", r.ratio()));
    }
    md.append("| Target | Measured | Verdict |\n|---|---|---|\n");
    for (Target target : targets(r)) {
      md.append("| ")
          .append(target.asked())
          .append(" | ")
          .append(target.measured())
          .append(" | ")
          .append(target.met() ? "met" : "**missed**")
          .append(" |\n");
    }
    md.append('\n');
    md.append("![Latency distribution](").append(LATENCY_PLOT).append(")\n\n");
    md.append("![Throughput against concurrency](").append(THROUGHPUT_PLOT).append(")\n\n");

    machine(md, r);
    md.append("## Command\n\n```sh\n").append(s.command()).append("\n```\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Settings: %d alternating rounds of %d s each for nginx and dispatch after up to %d s"
                + " of warm-up, %d wrk connections (closed loop), %,d slow deliveries answered after %d ms, %,d mailboxes x 20"
                + " rules measured in %d rounds, operator heap -Xmx%s and the chart's default limits (-Xmx%s in the scale scenario), nginx"
                + " `worker_processes %s`, receiver %d event loops.%n%n",
            s.rounds(),
            s.duration().toSeconds(),
            s.warmup().toSeconds(),
            s.connections(),
            s.slowDeliveries(),
            s.slowDelay().toMillis(),
            s.mailboxes(),
            s.scaleRounds(),
            s.operatorHeap(),
            s.scaleOperatorHeap(),
            s.nginxWorkers(),
            s.receiverEventLoops()));
    setUp(md, r);

    if (!r.dispatchRounds.isEmpty()) {
      md.append("## Throughput and latency, dispatch and nginx\n\n");
      md.append(
          "| Scenario | Messages/s | Deliveries/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | Messages | Errors |"
              + " Operator peak JVM threads | Operator GC (count, ms) |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      List<Results.Measurement> rows = new ArrayList<>();
      for (int i = 0; i < r.dispatchRounds.size(); i++) {
        rows.add(r.nginxRounds.get(i));
        rows.add(r.dispatchRounds.get(i));
      }
      rows.add(r.get(DISPATCH_10));
      rows.add(r.get(DIRECT));
      rows.stream().filter(Objects::nonNull).forEach(m -> md.append(row(m)));
      md.append('\n');
      problems(md, rows.stream().filter(Objects::nonNull).toList());
      md.append(
          "CPU per message by process (2 cores shared by every process); each cell: CPU ms per message (cores used on"
              + " average):\n\n");
      md.append(cpuTable(rows.stream().filter(Objects::nonNull).toList()));
    }

    if (!r.dispatchSweep.isEmpty()) {
      md.append(
          "## Throughput against concurrency\n\n| wrk connections | nginx msg/s | nginx p99 ms | dispatch msg/s |"
              + " dispatch p99 ms | ratio |\n|---:|---:|---:|---:|---:|---:|\n");
      r.dispatchSweep.forEach(
          (connections, dispatch) -> {
            Results.Measurement nginx = r.nginxSweep.get(connections);
            md.append(
                String.format(
                    Locale.ROOT,
                    "| %d | %.0f | %.2f | %.0f | %.2f | %.2f |%n",
                    connections,
                    nginx.perSecond(),
                    nginx.wrk().p99() / 1000,
                    dispatch.perSecond(),
                    dispatch.wrk().p99() / 1000,
                    dispatch.perSecond() / nginx.perSecond()));
          });
      md.append('\n');
      problems(md, r.dispatchSweep.values());
    }

    if (!r.floorRounds.isEmpty()) {
      floor(md, r);
    }

    if (!r.slow.isEmpty()) {
      slow(md, r);
    }
    if (r.overload != null) {
      overload(md, r);
    }
    if (r.drain != null) {
      md.append("## Drain on SIGTERM\n\n");
      md.append(
          String.format(
              Locale.ROOT,
              "%d messages posted to mailbox `slow` (deliveries answered after %d ms); once the"
                  + " receiver held all %d deliveries the operator got SIGTERM. %d answered 200, %d of them with a successful"
                  + " delivery; the process ended %.1f s after the signal with exit code %d (143: ended by SIGTERM after its"
                  + " shutdown hook).%s%n%n",
              r.drain.inFlight(),
              s.slowDelay().toMillis(),
              r.drain.inFlight(),
              r.drain.answered200(),
              r.drain.succeeded(),
              r.drain.drainSeconds(),
              r.drain.exitCode(),
              r.drain.failures().isEmpty() ? "" : " Failures: " + r.drain.failures()));
    }
    if (r.outage != null) {
      OpenLoad.Result load = r.outage.load();
      md.append("## API-server outage\n\n");
      md.append(
          String.format(
              Locale.ROOT,
              "500 messages a second (open loop) to mailbox `one` for 25 s; 5 s in, kube-apiserver"
                  + " is killed (etcd keeps its data), left down for 2 s and started again; it answered again %.1f s after the kill."
                  + " %s. /readyz was probed every 200 ms: not 200 in %d of %d probes.%n%n",
              r.outage.unavailable().toMillis() / 1000.0,
              load.summary(),
              r.outage.readinessFailures(),
              r.outage.readinessProbes()));
    }
    if (r.scale(SCALE_AFTER) != null) {
      scale(md, r);
    }

    md.append("## Reference\n\n");
    md.append("A dispatch answer for mailbox `one` (the measured 1-rule case):\n\n```json\n")
        .append(r.sampleReport)
        .append("\n```\n\n");
    md.append("nginx configuration used:\n\n```nginx\n")
        .append(r.nginxConfig.strip())
        .append("\n```\n");
    return md.toString();
  }

  private static void machine(StringBuilder md, Results r) {
    Machine machine = r.machine;
    md.append("## Machine\n\n| | |\n|---|---|\n");
    md.append("| CPU | ")
        .append(machine.cores())
        .append(" cores (`nproc`), ")
        .append(machine.cpuModel())
        .append(" |\n");
    md.append("| Memory | ")
        .append(String.format(Locale.ROOT, "%,d MiB", machine.memoryMiB()))
        .append(" |\n");
    md.append("| Kernel | Linux ").append(machine.kernel()).append(" |\n");
    md.append("| JDK | ")
        .append(machine.jdk())
        .append(" (operator, receiver and benchmark JVMs) |\n");
    md.append("| nginx | ").append(machine.nginx()).append(" (Debian package) |\n");
    md.append("| Load generators | ")
        .append(machine.wrk())
        .append(
            " (Debian package), 1 thread, closed loop; an open-loop"
                + " generator on one Vert.x event loop in the benchmark JVM |\n");
    md.append("| Kubernetes | kube-apiserver ")
        .append(r.kubernetesVersion)
        .append(" + etcd via io.fabric8:kube-api-test (real API server, not a mock) |\n");
    md.append("| Load average at start | ")
        .append(machine.loadAverageAtStart())
        .append(" (other work on this machine shows as \"unattributed\" CPU) |\n\n");
  }

  private static void setUp(StringBuilder md, Results r) {
    md.append(
        """
        ## Set-up

        Every process runs on this machine and talks over 127.0.0.1:

        ```
        wrk ──HTTP──> operator JVM: dispatch endpoint ──HTTPS (Vert.x, OpenSSL, pooled)──> receiver JVM (/fast, /slow, /delay/100)
        wrk ──HTTP──> nginx (reverse proxy, upstream keepalive) ──HTTPS──────────────────> same receiver (/fast)
                      operator JVM <──watch── kube-apiserver + etcd (kube-api-test)
        ```

        - **Operator**: `operator/target/emailgistics-webhooks-operator.jar` (`OperatorMain`, as the container runs it) in
          its own JVM, configured by `EMAILGISTICS_*` variables with the chart's defaults, server-side apply on, against a
          real kube-apiserver. JVM options: `%s`, plus a loopback JMX port for thread, heap and GC readings.
        - **Receiver**: a Vert.x HTTPS server (TLS 1.2/1.3 from the JDK, HTTP/1.1) in its own JVM (`%s`), certificate signed
          by a throwaway CA that the Webhooks' `caBundleRef` and nginx (`proxy_ssl_verify on`) trust. It answers `%s`, so
          every delivery also runs the action processing. `/slow` and `/delay/<ms>` answer from a timer.
        - **Load**: wrk, one thread, keep-alive connections, each sending its next request when the previous answer arrived
          (closed loop); a Lua script POSTs the same %d-byte JSON message with the bearer token, to nginx and to the
          dispatch endpoint alike. The overload and outage scenarios use an open-loop generator instead (requests at a
          fixed rate whatever the answers take).
        - **Checks**: each dispatch run compares wrk's count with the operator's metrics (deliveries by outcome, attempts)
          and the receiver's counter; a run with HTTP or socket errors, failed deliveries or retries is flagged.
        - **Objects**: Webhooks `bench-fast` (→ `/fast`), `bench-slow` (→ `/slow`) and `bench-paced` (→ `/delay/100`) with
          `includeMessageText: true`, a bearer Secret and the CA Secret; Mailboxes `one` (1 matching rule), `ten` (10
          matching rules), `slow`, `paced` (1 rule each) and `mbx-0000` with 20 rules of every condition type, one of which
          matches. The scale scenario adds %,d more such mailboxes in 20 namespaces.
        - **CPU accounting**: utime+stime of each process from /proc before and after each run.

        """
            .formatted(
                String.join(" ", r.operatorJvmOptions),
                String.join(" ", r.receiverJvmOptions),
                Receiver.ANSWER,
                Workload.MESSAGE.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                Math.max(0, r.settings.mailboxes() - 1)));
  }

  private static void slow(StringBuilder md, Results r) {
    Settings s = r.settings;
    md.append(
        String.format(
            Locale.ROOT,
            "## %,d messages at once to a slow endpoint, %d runs in a row%n%n",
            s.slowDeliveries(),
            Results.SLOW_RUNS));
    md.append(
        String.format(
            Locale.ROOT,
            """
        %,d messages are posted to mailbox `slow` within 1 s by the benchmark JVM; its rule delivers to `/slow`, which answers
        after %d ms. The operator runs with the chart's heap (-Xmx%s) and its default limits, so it admits what fits and
        answers the rest 503 at once. Threads are counted in the operator JVM (ThreadMXBean peak; kernel threads from
        /proc sampled every 20 ms). One second after the last message was sent, the operator's live heap is read after a
        full collection: its growth over the idle heap, divided by the deliveries in flight, is the heap one delivery
        (with its message, connection and buffers) takes.

        | Run | Delivered | Answered 503 | Lost | Wall s | Latency p50 / max ms | Peak JVM / kernel threads | In flight: operator / receiver | Heap peak / max MiB | Resident peak MiB | Live heap per delivery | Full GCs | Operator CPU s |
        |---|---:|---:|---:|---:|---|---|---|---|---:|---:|---:|---:|
        """,
            s.slowDeliveries(),
            s.slowDelay().toMillis(),
            s.operatorHeap()));
    for (SlowDeliveries.Result x : r.slow) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %,d | %d | %.1f | %d / %d | %d / %d | %,d / %,d | %d / %d | %d | %s | %d | %.1f |%n",
              x.label(),
              x.succeeded(),
              x.refused(),
              x.lost(),
              x.seconds(),
              x.p50Millis(),
              x.maxMillis(),
              x.peakJvmThreads(),
              x.peakOsThreads(),
              x.peakInFlightOperator(),
              x.peakInFlightReceiver(),
              x.peakHeapBytes() >> 20,
              x.maxHeapBytes() >> 20,
              x.peakResidentBytes() >> 20,
              x.heapPerDeliveryBytes() < 0
                  ? "–"
                  : String.format(
                      Locale.ROOT,
                      "%.1f KiB (%,d in flight)",
                      x.heapPerDeliveryBytes() / 1024.0,
                      x.inFlightWhenMeasured()),
              x.fullGcs(),
              x.cpu().millisByGroup().getOrDefault(OPERATOR, 0L) / 1000.0));
    }
    md.append('\n');
    r.slow.stream()
        .filter(x -> !x.failures().isEmpty() || x.operatorExit() != null)
        .forEach(
            x ->
                md.append("- ")
                    .append(x.label())
                    .append(": ")
                    .append(x.operatorExit() == null ? "" : x.operatorExit() + "; ")
                    .append(String.join("; ", x.failures()))
                    .append('\n'));
    SlowDeliveries.Result last = r.slow.get(r.slow.size() - 1);
    md.append(
        String.format(
            Locale.ROOT,
            "%nLive Java threads of the operator by name (digits as N) with %,d deliveries in flight (%s):%n%n"
                + "| Thread name | Count |%n|---|---:|%n",
            last.inFlightAtThreadDump(),
            last.label()));
    last.threadsAtPeak().entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(
            e ->
                md.append("| `")
                    .append(e.getKey())
                    .append("` | ")
                    .append(e.getValue())
                    .append(" |\n"));
    md.append('\n');
  }

  private static void overload(StringBuilder md, Results r) {
    Results.Overload o = r.overload;
    md.append("## Overload\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            """
        A capacity set by a limit: a fresh operator with at most %d deliveries per webhook in flight dispatches to mailbox
        `paced`, whose webhook answers after %d ms. Unloaded (wrk, %d connections, closed loop): %.0f msg/s, p99 %.1f ms.
        Then %.0fx that, open loop, for 30 s over up to 1,000 connections: %s. Operator during the overload: peak %d JVM
        threads, %d full GCs, %s.

        CPU of the overload run by process (ms): %s.

        """,
            BenchmarkMain.PACED_LIMIT,
            Workload.PACED_DELAY_MILLIS,
            BenchmarkMain.PACED_LIMIT - 10,
            o.capacity(),
            o.capacityRun().wrk().p99() / 1000,
            Results.OVERLOAD_FACTOR,
            o.loaded().summary(),
            o.operatorThreads(),
            o.fullGcs(),
            o.operatorAlive() ? "still running" : "DIED",
            o.cpu().millisByGroup()));
    if (!o.loaded().errorSamples().isEmpty()) {
      md.append("Examples of what went wrong: ").append(o.loaded().errorSamples()).append("\n\n");
    }
  }

  private static void scale(StringBuilder md, Results r) {
    md.append(
        String.format(
            Locale.ROOT,
            "## Per-message cost with %,d mailboxes x 20 rules%n%n",
            r.settings.mailboxes()));
    md.append(
        String.format(
            Locale.ROOT,
            "%,d Mailboxes and %,d MailboxRules in total; the new ones in %d namespaces, listed by %d"
                + " Webhooks. Each new mailbox has the 20 rules of `mbx-0000` under its own names"
                + " (the same conditions, as a template would make them; the operator holds alike"
                + " conditions once)."
                + " The benchmark creates them through the API server while the operator is stopped"
                + " (%.0f s). Then a new operator JVM starts and reconciles every rule to Ready"
                + " (cold start), and another new one takes over with every rule already Ready"
                + " (takeover: the most a leader change costs, since a standby replica's caches are"
                + " already synced). Each is timed from its process start until the operator's cache"
                + " shows every rule Ready (polled every 3 s; the API server's list confirms it once the"
                + " operator is idle). The writes are the API server's own request counts until then"
                + " (apiserver_request_total, leases left out); the reconciliations are the"
                + " operator's own count (JOSDK's operator_sdk_reconciliations_started_total, all"
                + " kinds). CPU is the new operator JVM's since its"
                + " start and kube-apiserver's + etcd's meanwhile, from /proc; per status write, it"
                + " shows what each side spends on one.%n%n"
                + "| Start | /readyz 200 | Every rule Ready | Reconciliations | Status writes"
                + " | All writes | Operator CPU s | kube-apiserver + etcd CPU s | CPU ms per status"
                + " write: operator / kube-apiserver + etcd |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---|%n"
                + "%s%n"
                + "Operator heap live after full GCs (heap limit %s): %d MiB before loading, %d MiB"
                + " with everything cached after the takeover, %d MiB once every mailbox has had a"
                + " message (its rules compiled for dispatch): **%.1f KiB per MailboxRule** with its"
                + " share of Mailboxes and Webhooks.%n%n"
                + "Dispatch with everything loaded is measured in the JVM of the takeover; the one-mailbox"
                + " side in a second operator JVM of the same build and heap, started beside it, that"
                + " watches only namespace `bench-team` (the 5 base mailboxes, `mbx-0000` among them,"
                + " with their 33 rules). Both are warmed up the same way, and their rounds alternate"
                + " (one-mailbox, same mailbox, spread; one JVM under load at a time, the idle one counts"
                + " as unattributed CPU), so that both sides see the same minutes of this shared machine:%n%n",
            r.loadedMailboxes,
            r.loadedRules,
            r.scaleNamespaces,
            r.scaleWebhooks,
            r.createTime.toMillis() / 1000.0,
            startupRow("cold start", r.coldStart) + startupRow("takeover", r.takeover),
            r.settings.scaleOperatorHeap(),
            r.liveHeapBaseBytes >> 20,
            r.liveHeapCachedBytes >> 20,
            r.liveHeapCompiledBytes >> 20,
            r.heapPerRuleBytes() / 1024));
    md.append(
        String.format(
            Locale.ROOT,
            "%d rounds of %d s each; the figures are those of the round with the median"
                + " throughput, and the last two columns show every round.%n%n",
            r.settings.scaleRounds(),
            r.settings.duration().toSeconds()));
    md.append(
        "| Scenario | Messages/s | p50 ms | p99 ms | Operator µs CPU/msg | vs 1 mailbox: msg/s | vs 1 mailbox: CPU/msg |"
            + " Errors | Rounds: msg/s | Rounds: µs CPU/msg |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Results.Measurement before = r.scale(SCALE_BEFORE);
    for (String key : List.of(SCALE_BEFORE, SCALE_AFTER, SCALE_SPREAD)) {
      Results.Measurement m = r.scale(key);
      List<Results.Measurement> rounds = r.scaleRounds.get(key);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f | %.2f | %.2f | %.1f | %+.1f%% | %+.1f%% | %d | %s | %s |%n",
              m.title(),
              m.perSecond(),
              m.wrk().p50() / 1000,
              m.wrk().p99() / 1000,
              m.cpuPerMessage(OPERATOR) * 1000,
              change(m.perSecond(), before.perSecond()),
              change(m.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR)),
              rounds.stream()
                  .mapToLong(x -> x.wrk().errors() + x.wrk().non2xx() + x.wrk().timeouts())
                  .sum(),
              joined(rounds, x -> String.format(Locale.ROOT, "%.0f", x.perSecond())),
              joined(
                  rounds,
                  x -> String.format(Locale.ROOT, "%.1f", x.cpuPerMessage(OPERATOR) * 1000))));
    }
    md.append('\n');
    problems(md, r.scaleRounds.values().stream().flatMap(List::stream).toList());
  }

  private static String joined(
      List<Results.Measurement> rounds, Function<Results.Measurement, String> figure) {
    return rounds.stream().map(figure).collect(Collectors.joining(", "));
  }

  private static String row(Results.Measurement m) {
    return String.format(
        Locale.ROOT,
        "| %s | %.0f | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %,d | %d | %s | %s |%n",
        m.title(),
        m.perSecond(),
        m.deliveriesPerMessage() == 0
            ? "–"
            : String.format(Locale.ROOT, "%.0f", m.perSecond() * m.deliveriesPerMessage()),
        m.wrk().p50() / 1000,
        m.wrk().p90() / 1000,
        m.wrk().p99() / 1000,
        m.wrk().p999() / 1000,
        m.wrk().max() / 1000,
        m.wrk().requests(),
        m.wrk().errors() + m.wrk().non2xx() + m.wrk().timeouts(),
        m.deliveriesPerMessage() == 0 ? "–" : Integer.toString(m.peakJvmThreads()),
        m.deliveriesPerMessage() == 0 ? "–" : m.gcCount() + ", " + m.gcMillis());
  }

  private static void problems(StringBuilder md, Collection<Results.Measurement> measurements) {
    boolean any = false;
    for (Results.Measurement m : measurements) {
      if (!m.problems().isEmpty()) {
        md.append("- **")
            .append(m.title())
            .append("**: ")
            .append(String.join("; ", m.problems()))
            .append('\n');
        any = true;
      }
    }
    md.append(
        any
            ? "\n"
            : "Checks: no socket errors, HTTP errors or timeouts; the deliveries succeeded at the first attempt"
                + " (operator metrics; wrk stops with a few messages in flight, whose cut deliveries are tolerated) and reached the"
                + " receiver.\n\n");
  }

  private static void floor(StringBuilder md, Results r) {
    md.append(
        "## Floor: bare relays\n\n"
            + "What any design of the dispatch endpoint must do per message, and nothing else:"
            + " `RelayFloor` reads the message over HTTP, sends its body to the receiver over pooled"
            + " keep-alive HTTPS (OpenSSL, hostname verified, one event loop per core) and answers with"
            + " the receiver's body; no authentication, JSON, rules, payload or report. Netty: raw Netty"
            + " handlers, one upstream connection per incoming one (as nginx's upstream keep-alive)."
            + " Vert.x: Vert.x 5's HTTP server and pooled client, as the operator uses them. Same wrk"
            + " load, rounds alternating with nginx; the ratio is to nginx in the same round.\n\n"
            + "| Round | nginx msg/s | Netty relay msg/s | ratio | Vert.x relay msg/s | ratio |\n"
            + "|---|---:|---:|---:|---:|---:|\n");
    List<Results.Measurement> nginx = r.floor(BenchmarkMain.NGINX);
    List<Results.Measurement> netty = r.floor(Results.RELAY_NETTY);
    List<Results.Measurement> vertx = r.floor(Results.RELAY_VERTX);
    for (int i = 0; i < Math.min(nginx.size(), Math.min(netty.size(), vertx.size())); i++) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.0f | %.0f | %.2f | %.0f | %.2f |%n",
              i + 1,
              nginx.get(i).perSecond(),
              netty.get(i).perSecond(),
              netty.get(i).perSecond() / nginx.get(i).perSecond(),
              vertx.get(i).perSecond(),
              vertx.get(i).perSecond() / nginx.get(i).perSecond()));
    }
    md.append(
        "\nCPU per message by process; each cell: CPU ms per message (cores used on average):\n\n");
    md.append(cpuTable(r.floorRounds, List.of(RELAY, NGINX_GROUP, RECEIVER, WRK, OTHER)));
    problems(md, r.floorRounds);
  }

  private static String cpuTable(List<Results.Measurement> measurements) {
    return cpuTable(
        measurements, List.of(OPERATOR, RECEIVER, NGINX_GROUP, WRK, KUBE, BENCH, OTHER));
  }

  private static String cpuTable(List<Results.Measurement> measurements, List<String> groups) {
    StringBuilder md = new StringBuilder("| Scenario |");
    groups.forEach(g -> md.append(' ').append(g).append(" |"));
    md.append(" all |\n|---|");
    groups.forEach(g -> md.append("---:|"));
    md.append("---:|\n");
    for (Results.Measurement m : measurements) {
      md.append("| ").append(m.title()).append(" |");
      long total = 0;
      for (String group : groups) {
        long millis = m.cpu().millisByGroup().getOrDefault(group, 0L);
        total += millis;
        md.append(
            String.format(
                Locale.ROOT,
                " %.3f (%.2f) |",
                millis / (double) m.wrk().requests(),
                m.cpu().cores(millis)));
      }
      md.append(
          String.format(
              Locale.ROOT,
              " %.3f (%.2f) |%n",
              total / (double) m.wrk().requests(),
              m.cpu().cores(total)));
    }
    return md.append('\n').toString();
  }
}
