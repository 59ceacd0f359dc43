package com.emailgistics.webhooks.benchmark;

import static com.emailgistics.webhooks.benchmark.BenchmarkMain.DIRECT;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.DISPATCH_1;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.DISPATCH_10;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.DISPATCH_1_AFTER;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.NGINX;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.SCALE_AFTER;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.SCALE_BEFORE;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.SCALE_SPREAD;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The console summary and docs/benchmarks.md. */
final class Report {
  static final String OPERATOR = "operator JVM";
  static final String RECEIVER = "receiver JVM";
  static final String NGINX_GROUP = "nginx";
  static final String WRK = "load generator (wrk)";
  static final String KUBE = "kube-apiserver + etcd";
  static final String BENCH = "benchmark JVM";
  static final String OTHER = "unattributed";

  private Report() {}

  static String line(Results.Measurement m) {
    return String.format(Locale.ROOT, "%-28s %8.0f msg/s  p50 %6.2f ms  p99 %6.2f ms  (%d messages, %d errors; operator %.3f ms CPU/msg)",
        m.key(), m.perSecond(), m.wrk().p50() / 1000, m.wrk().p99() / 1000, m.wrk().requests(),
        m.wrk().errors() + m.wrk().non2xx() + m.wrk().timeouts(), m.cpuPerMessage(OPERATOR));
  }

  static String line(Results.Slow slow) {
    SlowDeliveries.Result r = slow.result();
    return String.format(Locale.ROOT,
        "%-28s %d/%d succeeded in %.1f s; latency p50 %d ms, max %d ms; operator threads: JVM peak %d (baseline %d),"
            + " kernel peak %d; in flight: operator %d, receiver %d; threads started %d; heap peak %d of %d MiB",
        r.label(), r.succeeded(), r.requested(), r.seconds(), r.p50Millis(), r.maxMillis(), r.peakJvmThreads(),
        r.baselineJvmThreads(), r.peakOsThreads(), r.peakInFlightOperator(), r.peakInFlightReceiver(), r.threadsStarted(),
        r.peakHeapBytes() >> 20, r.maxHeapBytes() >> 20);
  }

  static String console(Results results) {
    StringBuilder out = new StringBuilder("== Results\n");
    results.measurements.values().forEach(m -> out.append(line(m)).append('\n'));
    results.slow.forEach(s -> out.append(line(s)).append('\n'));
    out.append(String.format(Locale.ROOT, "ratio: %.2f (target >= %.2f: %s)%n", results.ratio(), Results.RATIO_TARGET,
        results.ratio() >= Results.RATIO_TARGET ? "met" : "MISSED"));
    out.append(String.format(Locale.ROOT, "p99: dispatch %.2f ms vs nginx %.2f ms = %.2fx (target <= %.1fx: %s)%n",
        results.get(DISPATCH_1).wrk().p99() / 1000, results.get(NGINX).wrk().p99() / 1000, results.p99Factor(),
        Results.P99_FACTOR_TARGET, results.p99Factor() <= Results.P99_FACTOR_TARGET ? "met" : "MISSED"));
    for (Results.Slow slow : results.slow) {
      out.append(String.format(Locale.ROOT, "%d slow deliveries (%s): %s, peak %d JVM threads / %d kernel threads (target <= %d: %s)%n",
          slow.result().requested(), slow.result().label(), slow.allSucceeded() ? "all succeeded" : "NOT ALL SUCCEEDED",
          slow.result().peakJvmThreads(), slow.result().peakOsThreads(), Results.THREAD_LIMIT,
          slow.allSucceeded() && slow.threadsWithinLimit() ? "met" : "MISSED"));
    }
    results.compareSlow.forEach(x -> out.append(line(x)).append('\n'));
    if (results.get(BenchmarkMain.DISPATCH_1 + BenchmarkMain.COMPARED) != null) {
      out.append(String.format(Locale.ROOT, "%s: ratio %.2f%n", results.settings.compareLabel(),
          results.get(BenchmarkMain.DISPATCH_1 + BenchmarkMain.COMPARED).perSecond()
              / results.get(NGINX + BenchmarkMain.COMPARED).perSecond()));
    }
    out.append(scaleVerdict(results)).append('\n');
    out.append(String.format(Locale.ROOT, "total runtime: %.0f s (%d s tool checks and builds + %.0f s benchmark)%n",
        results.settings.secondsBefore() + results.runtime.toMillis() / 1000.0, results.settings.secondsBefore(),
        results.runtime.toMillis() / 1000.0));
    return out.toString();
  }

  static String scaleVerdict(Results results) {
    Results.Measurement before = results.get(SCALE_BEFORE);
    Results.Measurement same = results.get(SCALE_AFTER);
    Results.Measurement spread = results.get(SCALE_SPREAD);
    return String.format(Locale.ROOT,
        "1,000 x 20: same mailbox %.0f msg/s (%+.1f%%), spread over all mailboxes %.0f msg/s (%+.1f%%) vs %.0f msg/s with"
            + " 1 such mailbox; operator CPU/msg %+.1f%% / %+.1f%% (target within %.0f%%: %s)",
        same.perSecond(), change(same.perSecond(), before.perSecond()), spread.perSecond(),
        change(spread.perSecond(), before.perSecond()), before.perSecond(),
        change(same.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR)),
        change(spread.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR)), Results.SCALE_TOLERANCE * 100,
        scaleMet(results) ? "met" : "MISSED");
  }

  static boolean scaleMet(Results results) {
    Results.Measurement before = results.get(SCALE_BEFORE);
    for (String key : List.of(SCALE_AFTER, SCALE_SPREAD)) {
      Results.Measurement after = results.get(key);
      if (after.perSecond() < before.perSecond() * (1 - Results.SCALE_TOLERANCE)
          || after.cpuPerMessage(OPERATOR) > before.cpuPerMessage(OPERATOR) * (1 + Results.SCALE_TOLERANCE)) {
        return false;
      }
    }
    return true;
  }

  static double change(double value, double reference) {
    return (value / reference - 1) * 100;
  }

  // ------------------------------------------------------------------------------------------ markdown

  static String markdown(Results r) {
    StringBuilder md = new StringBuilder();
    Settings s = r.settings;
    Machine machine = r.machine;
    Results.Measurement dispatch = r.get(DISPATCH_1);
    Results.Measurement nginx = r.get(NGINX);
    md.append("# Benchmarks\n\n");
    md.append("Measured figures of the dispatch endpoint, written by `scripts/benchmark.sh` (module `benchmark/`).\n");
    md.append("Re-running the command overwrites this file. Run started ")
        .append(DateTimeFormatter.ISO_INSTANT.format(r.started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
        .append(String.format(Locale.ROOT, "; the command took %.0f s in total (%d s of tool checks and builds, then %.0f s of"
            + " benchmark).%n%n", s.secondsBefore() + r.runtime.toMillis() / 1000.0, s.secondsBefore(), r.runtime.toMillis() / 1000.0));

    md.append("## Summary\n\n");
    md.append(String.format(Locale.ROOT, "ratio: %.2f%n%n", r.ratio()));
    md.append("| Target | Measured | Verdict |\n|---|---|---|\n");
    md.append(String.format(Locale.ROOT, "| Throughput ratio dispatch (1 rule) / nginx >= %.2f | %.0f / %.0f msg/s = **%.2f** | %s |%n",
        Results.RATIO_TARGET, dispatch.perSecond(), nginx.perSecond(), r.ratio(),
        verdict(r.ratio() >= Results.RATIO_TARGET, String.format(Locale.ROOT, "missed by %.0f%%", (1 - r.ratio() / Results.RATIO_TARGET) * 100))));
    md.append(String.format(Locale.ROOT, "| Dispatch p99 <= %.0fx nginx p99 | %.2f ms vs %.2f ms = **%.2fx** | %s |%n",
        Results.P99_FACTOR_TARGET, dispatch.wrk().p99() / 1000, nginx.wrk().p99() / 1000, r.p99Factor(),
        verdict(r.p99Factor() <= Results.P99_FACTOR_TARGET, String.format(Locale.ROOT, "missed: %.2fx instead of %.1fx", r.p99Factor(), Results.P99_FACTOR_TARGET))));
    for (Results.Slow slow : r.slow) {
      SlowDeliveries.Result x = slow.result();
      md.append(String.format(Locale.ROOT, "| %,d concurrent deliveries to a 5 s endpoint (%s): all succeed, <= %d live threads | %,d/%,d succeeded; peak **%d** live JVM threads (%d kernel threads) | %s |%n",
          x.requested(), x.label(), Results.THREAD_LIMIT, x.succeeded(), x.requested(), x.peakJvmThreads(), x.peakOsThreads(),
          verdict(slow.allSucceeded() && slow.threadsWithinLimit(),
              "missed: " + (slow.allSucceeded() ? "" : (x.operatorExit() != null ? "operator died; " : "")
                  + (x.requested() - x.succeeded()) + " failed; ")
                  + (slow.threadsWithinLimit() ? "" : "peak " + Math.max(x.peakJvmThreads(), x.peakOsThreads()) + " threads"))));
    }
    md.append(String.format(Locale.ROOT, "| Per-message cost independent of the number of mailboxes (%,d mailboxes x 20 rules loaded) | %s | %s |%n%n",
        s.mailboxes(), scaleCell(r), verdict(scaleMet(r), "missed")));

    md.append("## Machine\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| CPU | ").append(machine.cores()).append(" cores (`nproc`), ").append(machine.cpuModel()).append(" |\n");
    md.append("| Memory | ").append(String.format(Locale.ROOT, "%,d MiB", machine.memoryMiB())).append(" |\n");
    md.append("| Kernel | Linux ").append(machine.kernel()).append(" |\n");
    md.append("| JDK | ").append(machine.jdk()).append(" (operator, receiver and benchmark JVMs) |\n");
    md.append("| nginx | ").append(machine.nginx()).append(" (Debian package) |\n");
    md.append("| Load generator | ").append(machine.wrk()).append(" (Debian package), 1 thread |\n");
    md.append("| Kubernetes | kube-apiserver ").append(r.kubernetesVersion).append(" + etcd via io.fabric8:kube-api-test (real API server, not a mock) |\n");
    md.append("| Load average at start | ").append(machine.loadAverageAtStart()).append(" (other work on this machine shows as"
        + " \"unattributed\" CPU in the tables below) |\n\n");

    md.append("## Command\n\n```sh\n").append(s.command()).append("\n```\n\n");
    md.append(String.format(Locale.ROOT, "Settings of this run: %d s per measured scenario after %d s of warm-up, %d wrk connections"
            + " (closed loop), %,d slow deliveries answered after %d ms, %,d mailboxes x 20 rules, operator heap -Xmx%s,"
            + " nginx `worker_processes %s`, receiver %d event loops.%n%n",
        s.duration().toSeconds(), s.warmup().toSeconds(), s.connections(), s.slowDeliveries(), s.slowDelay().toMillis(),
        s.mailboxes(), s.operatorHeap(), s.nginxWorkers(), s.receiverEventLoops()));

    md.append("## Set-up\n\n");
    md.append("""
        Every process runs on this machine and talks over 127.0.0.1:

        ```
        wrk ──HTTP──> operator JVM: dispatch endpoint ──HTTPS (JDK HttpClient, pooled)──> receiver JVM (/fast, /slow)
        wrk ──HTTP──> nginx (reverse proxy, upstream keepalive) ──HTTPS──────────────────> same receiver (/fast)
                      operator JVM <──watch── kube-apiserver + etcd (kube-api-test)
        ```

        - **Operator**: `operator/target/emailgistics-webhooks-operator.jar` (`OperatorMain`, exactly as the container runs
          it) in its own JVM, configured by `EMAILGISTICS_*` variables, server-side apply on, against a real kube-apiserver.
          JVM options: `%s` (the Helm chart gives the container 512Mi and the JVM 75%% of it), plus a loopback JMX port
          for thread, heap and JIT readings and, for the profile, a JFR recording of CPU samples only, running from
          start-up (starting one later discards JIT-compiled code).
        - **Receiver**: a Vert.x HTTPS server (TLS 1.2/1.3 from the JDK) in its own JVM (`%s`), certificate signed by a
          throwaway CA. The Webhooks' `caBundleRef` points at a Secret with that CA; nginx trusts the same file
          (`proxy_ssl_verify on`). It answers `%s`, so every delivery also runs the action processing.
          `/slow` answers after the configured delay from a timer, holding no thread.
        - **Load**: wrk, one thread, a fixed number of keep-alive connections, each sending the next request when the
          previous answer arrived (closed loop). A Lua script POSTs the same %d-byte JSON message with the bearer token.
          The same script, message and connection count are used for nginx and for the dispatch endpoint.
        - **Checks**: every measured dispatch run compares wrk's count with the operator's own metrics
          (`emailgistics_deliveries_total` by outcome, `emailgistics_delivery_attempts_total`) and the receiver's request
          counter: a run with failed or missing deliveries, retries or HTTP errors is flagged below.
        - **Objects**: Webhook `bench-fast` (→ `/fast`) and `bench-slow` (→ `/slow`) with `includeMessageText: true`,
          a bearer Secret and the CA Secret; Mailboxes `one` (1 matching rule), `ten` (10 matching rules, each a
          UseWebhook to `bench-fast`), `slow` (1 rule to `bench-slow`) and `mbx-0000` with 20 rules of every condition
          type, one of which matches the message. Scenario 4 adds %,d more such mailboxes (20 rules each) in 20
          namespaces and lists them all in `bench-fast`'s `spec.mailboxes`.
        - **CPU accounting**: utime+stime of each process from /proc before and after each run ("unattributed" is the
          machine's busy time used by nothing we started: other users of this machine and kernel threads).

        """.formatted(String.join(" ", r.operatorJvmOptions), String.join(" ", r.receiverJvmOptions), Receiver.ANSWER,
        Workload.MESSAGE.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, Math.max(0, s.mailboxes() - 1)));

    md.append("## 1 and 2: throughput and latency, dispatch and nginx\n\n");
    md.append("| Scenario | Messages/s | Deliveries/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | Messages | Errors | Operator peak JVM threads | Operator GC (count, ms) |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String key : List.of(NGINX, DISPATCH_1, DISPATCH_10, DIRECT)) {
      Results.Measurement m = r.get(key);
      md.append(row(m));
    }
    md.append('\n');
    md.append(String.format(Locale.ROOT, "**ratio: %.2f** (dispatch with 1 rule %.0f msg/s / nginx %.0f msg/s). p99: dispatch %.2f ms, nginx %.2f ms (%.2fx).%n%n",
        r.ratio(), dispatch.perSecond(), nginx.perSecond(), dispatch.wrk().p99() / 1000, nginx.wrk().p99() / 1000, r.p99Factor()));
    Results.Measurement ten = r.get(DISPATCH_10);
    md.append(String.format(Locale.ROOT, "With 10 matching rules each message waits for 10 deliveries one after the other (as the product does):"
            + " %.0f messages/s = %.0f deliveries/s, %.2f ms per message at p50, i.e. %.2f ms per delivery.%n%n",
        ten.perSecond(), ten.perSecond() * 10, ten.wrk().p50() / 1000, ten.wrk().p50() / 1000 / 10));
    problems(md, r.measurements.values());

    md.append("### Where the CPU goes (2 cores shared by every process)\n\n");
    md.append("CPU milliseconds per message, by process, and the cores each used on average during the run:\n\n");
    md.append(cpuTable(r, List.of(NGINX, DISPATCH_1, DISPATCH_10, DIRECT)));
    md.append(String.format(Locale.ROOT, "Operator CPU by thread (kernel thread names, digits as N; threads started during the runs:"
            + " %,d for %,d messages with 1 rule, %,d for %,d messages with 10 rules):%n%n",
        dispatch.threadsStarted(), dispatch.wrk().requests(), r.get(DISPATCH_10).threadsStarted(), r.get(DISPATCH_10).wrk().requests()));
    md.append(threadCpuTable(r, List.of(DISPATCH_1, DISPATCH_10)));

    md.append(String.format(Locale.ROOT, "## 3: %,d concurrent deliveries to a slow endpoint%n%n", s.slowDeliveries()));
    md.append(String.format(Locale.ROOT, """
        %,d messages are posted to mailbox `slow` within 1 s by the benchmark JVM (JDK HttpClient, one connection per
        message; not the operator's JVM). Its rule delivers to `/slow`, which answers after %d ms, so all deliveries are in
        flight together. Counted in the **operator JVM** only: live Java threads from its ThreadMXBean (peak reset just
        before the run, read after it; daemon threads included; this includes the 2-4 JMX/RMI threads the measurement
        itself adds) and kernel threads from /proc/<pid>/status sampled every 20 ms (Java threads plus GC, JIT compiler
        and other VM threads). Run twice: "cold" opens a new TLS connection to the receiver per delivery, "warm" reuses the
        connections the first run left in the pool.

        """, s.slowDeliveries(), s.slowDelay().toMillis()));
    md.append(slowTable(r.slow));
    Results.Measurement afterSlow = r.get(BenchmarkMain.DISPATCH_1_AFTER_SLOW);
    if (afterSlow != null) {
      md.append(String.format(Locale.ROOT, "Right after these runs, the 1-rule load again: %.0f msg/s, p50 %.2f ms, p99 %.2f ms, %.3f ms"
              + " operator CPU per message (before them: %.0f msg/s, %.3f ms); operator GC during it: %d collections, %d ms.%n%n",
          afterSlow.perSecond(), afterSlow.wrk().p50() / 1000, afterSlow.wrk().p99() / 1000, afterSlow.cpuPerMessage(OPERATOR),
          dispatch.perSecond(), dispatch.cpuPerMessage(OPERATOR), afterSlow.gcCount(), afterSlow.gcMillis()));
      problems(md, List.of(afterSlow));
    }
    if (!r.slow.isEmpty()) {
      SlowDeliveries.Result last = r.slow.get(r.slow.size() - 1).result();
      md.append(String.format(Locale.ROOT, "Live Java threads of the operator by name (digits replaced by N) while %,d deliveries were in flight (%s run):%n%n",
          last.inFlightAtThreadDump(), last.label()));
      md.append("| Thread name | Count |\n|---|---:|\n");
      last.threadsAtPeak().entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .forEach(e -> md.append("| `").append(e.getKey()).append("` | ").append(e.getValue()).append(" |\n"));
      md.append('\n');
    }

    md.append(String.format(Locale.ROOT, "## 4: per-message cost with %,d mailboxes x 20 rules%n%n", s.mailboxes()));
    md.append("Measured on one fresh operator JVM (started after scenario 3, so no connections pooled by it remain), warmed"
        + " up the same way before and after loading; the last two rows come from another fresh JVM with a larger heap and"
        + " everything still loaded.\n\n");
    if (r.loadTime != null) {
      md.append(String.format(Locale.ROOT, "Loaded %,d Mailboxes and %,d MailboxRules in total (created through the API server, then"
              + " reconciled by the operator until every rule was Ready and the operator idle) in %.0f s. Operator heap live"
              + " after a full GC: %d MiB before loading, %d MiB after (%.1f KiB per MailboxRule; heap limit %s).%n%n",
          r.loadedMailboxes, r.loadedRules, r.loadTime.toMillis() / 1000.0, r.liveHeapBaseBytes >> 20,
          r.liveHeapAfterLoadBytes >> 20, (r.liveHeapAfterLoadBytes - r.liveHeapBaseBytes) / 1024.0 / Math.max(1, r.loadedRules - 32),
          r.settings.operatorHeap()));
    }
    md.append("| Scenario | Messages/s | p50 ms | p99 ms | Operator CPU ms/msg | vs 1 mailbox: msg/s | vs 1 mailbox: CPU/msg | Errors |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    Results.Measurement before = r.get(SCALE_BEFORE);
    for (String key : List.of(SCALE_BEFORE, SCALE_AFTER, SCALE_SPREAD, BenchmarkMain.SCALE_AFTER_CONTROL,
        BenchmarkMain.SCALE_SPREAD_CONTROL, DISPATCH_1, DISPATCH_1_AFTER)) {
      Results.Measurement m = r.get(key);
      if (m == null) {
        continue;
      }
      Results.Measurement reference = key.startsWith("dispatch-1") ? r.get(DISPATCH_1) : before;
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.3f | %+.1f%% | %+.1f%% | %d |%n",
          m.title(), m.perSecond(), m.wrk().p50() / 1000, m.wrk().p99() / 1000, m.cpuPerMessage(OPERATOR),
          change(m.perSecond(), reference.perSecond()), change(m.cpuPerMessage(OPERATOR), reference.cpuPerMessage(OPERATOR)),
          m.wrk().errors() + m.wrk().non2xx() + m.wrk().timeouts()));
    }
    md.append('\n').append(scaleVerdict(r)).append(".");
    if (r.get(BenchmarkMain.SCALE_AFTER_CONTROL) != null) {
      md.append(String.format(Locale.ROOT, " The verdict uses the chart's heap (-Xmx%s); the rows with -Xmx%s (live heap %d MiB) show"
              + " the same load without memory pressure.", r.settings.operatorHeap(), r.settings.scaleControlHeap(),
          r.liveHeapControlBytes >> 20));
    }
    md.append("\n\n");
    List<String> scaleKeys = r.get(BenchmarkMain.SCALE_AFTER_CONTROL) == null
        ? List.of(SCALE_BEFORE, SCALE_AFTER, SCALE_SPREAD, DISPATCH_1_AFTER)
        : List.of(SCALE_BEFORE, SCALE_AFTER, SCALE_SPREAD, DISPATCH_1_AFTER, BenchmarkMain.SCALE_AFTER_CONTROL,
            BenchmarkMain.SCALE_SPREAD_CONTROL);
    problems(md, scaleKeys.stream().map(r::get).toList());
    md.append(cpuTable(r, scaleKeys));
    md.append("Operator CPU by thread (GC work shows as `GC Thread#N` and `GN Conc#N`):\n\n");
    md.append(threadCpuTable(r, scaleKeys));

    if (r.profile != null) {
      md.append("## Profile of the operator (JFR)\n\n");
      md.append(String.format(Locale.ROOT, "JFR (`jcmd <pid> JFR.start settings=profile`) on the operator JVM during %d s of the 1-rule load"
              + " (%.0f msg/s while recording); %,d execution samples (threads running Java code; time in system calls is"
              + " not sampled). Recording: `%s`.%n%n", s.profileDuration().toSeconds(), r.profiledThroughput, r.profile.samples(),
          s.repo().relativize(r.profileFile)));
      md.append("By code area of the sampled (top) frame:\n\n");
      md.append(shareTable("Area", r.profile.selfByArea(), r.profile.samples()));
      md.append("Operator methods anywhere on the stack (inclusive; a sample counts once per method):\n\n");
      md.append(shareTable("Method", r.profile.inclusiveOperator(), r.profile.samples()));
      md.append("Selected JDK and library work anywhere on the stack (inclusive):\n\n");
      md.append(shareTable("Work", r.profile.inclusiveMarkers(), r.profile.samples()));
      md.append("Hottest methods (self):\n\n");
      md.append(shareTable("Method", r.profile.topSelfMethods(), r.profile.samples()));
      md.append("Samples by thread:\n\n");
      md.append(shareTable("Thread", r.profile.byThread(), r.profile.samples()));
    }

    md.append(comparison(r));
    md.append(Analysis.markdown(r));

    md.append("## Reference\n\n");
    md.append("A dispatch answer for mailbox `one` (the measured 1-rule case):\n\n```json\n").append(r.sampleReport).append("\n```\n\n");
    md.append("nginx configuration used:\n\n```nginx\n").append(r.nginxConfig.strip()).append("\n```\n");
    return md.toString();
  }

  static String comparison(Results r) {
    Results.Measurement dispatchB = r.get(DISPATCH_1 + BenchmarkMain.COMPARED);
    if (dispatchB == null && r.compareSlow.isEmpty()) {
      return "";
    }
    Settings s = r.settings;
    StringBuilder md = new StringBuilder("## Comparison: the same scenarios with `" + s.compareLabel() + "`\n\n");
    String source = !s.compareRef().isEmpty() ? "the operator as of commit `" + s.compareRef() + "`"
        : s.comparePatch() != null ? "the current operator with the patch below applied" : "`" + s.compareJar() + "`";
    md.append("The operator JVM replaced by ").append(source).append(", built in a scratch directory outside the working"
            + " tree and measured in the same run against the same API server (the scale scenario's objects still loaded:"
            + " per-message cost does not depend on them, see scenario 4), receiver and nginx. Its start-up until every rule"
            + " was reconciled and the operator idle took ")
        .append(r.compareStartup == null ? "?" : (r.compareStartup.toSeconds() + " s")).append(".\n\n");
    if (dispatchB != null) {
      Results.Measurement nginxB = r.get(NGINX + BenchmarkMain.COMPARED);
      md.append("| Scenario | Build | Messages/s | p50 ms | p99 ms | Operator CPU ms/msg | Threads started per message |\n");
      md.append("|---|---|---:|---:|---:|---:|---:|\n");
      for (String key : List.of(DISPATCH_1, DISPATCH_10)) {
        for (String build : List.of("", BenchmarkMain.COMPARED)) {
          Results.Measurement m = r.get(key + build);
          if (m == null) {
            continue;
          }
          md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %.3f | %.2f |%n",
              key.equals(DISPATCH_1) ? "1 matching rule" : "10 matching rules", build.isEmpty() ? "measured operator" : s.compareLabel(),
              m.perSecond(), m.wrk().p50() / 1000, m.wrk().p99() / 1000, m.cpuPerMessage(OPERATOR),
              m.threadsStarted() / (double) m.wrk().requests()));
        }
      }
      md.append(String.format(Locale.ROOT, "| nginx, measured again next to it | – | %.0f | %.2f | %.2f | – | – |%n%n",
          nginxB.perSecond(), nginxB.wrk().p50() / 1000, nginxB.wrk().p99() / 1000));
      double ratioB = dispatchB.perSecond() / nginxB.perSecond();
      md.append(String.format(Locale.ROOT, "With `%s`: ratio %.2f (%.0f / %.0f msg/s), p99 %.2fx nginx's; measured operator: ratio"
              + " %.2f, p99 %.2fx.%n%n", s.compareLabel(), ratioB, dispatchB.perSecond(), nginxB.perSecond(),
          dispatchB.wrk().p99() / nginxB.wrk().p99(), r.ratio(), r.p99Factor()));
      problems(md, List.of(nginxB, dispatchB, r.get(DISPATCH_10 + BenchmarkMain.COMPARED)));
      md.append(cpuTable(r, List.of(NGINX + BenchmarkMain.COMPARED, DISPATCH_1 + BenchmarkMain.COMPARED, DISPATCH_10 + BenchmarkMain.COMPARED)));
      md.append("Operator CPU by thread, ms over the run (kernel thread names, digits as N):\n\n");
      md.append(threadCpuTable(r, List.of(DISPATCH_1, DISPATCH_1 + BenchmarkMain.COMPARED)));
    }
    if (!r.compareSlow.isEmpty()) {
      md.append(String.format(Locale.ROOT, "%,d slow deliveries with `%s`:%n%n", s.slowDeliveries(), s.compareLabel()));
      md.append(slowTable(r.compareSlow));
    }
    md.append(Analysis.defects(r, DISPATCH_1 + BenchmarkMain.COMPARED, DISPATCH_10 + BenchmarkMain.COMPARED, r.compareSlow,
        null, "`" + s.compareLabel() + "`"));
    if (s.comparePatch() != null) {
      try {
        md.append("The patch (`" + s.repo().relativize(s.comparePatch()) + "`):\n\n```diff\n")
            .append(java.nio.file.Files.readString(s.comparePatch()).strip()).append("\n```\n\n");
      } catch (java.io.IOException e) {
        md.append("(patch file ").append(s.comparePatch()).append(" unreadable)\n\n");
      }
    }
    return md.toString();
  }

  static String threadCpuTable(Results r, List<String> keys) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (String key : keys) {
      Results.Measurement m = r.get(key);
      if (m != null) {
        m.operatorThreadCpu().entrySet().stream().filter(e -> e.getValue() >= 100).forEach(e -> names.add(e.getKey()));
      }
    }
    StringBuilder md = new StringBuilder("| Thread |");
    keys.forEach(k -> md.append(' ').append(r.get(k) == null ? k : r.get(k).title()).append(" |"));
    md.append("\n|---|");
    keys.forEach(k -> md.append("---:|"));
    md.append('\n');
    for (String name : names) {
      md.append("| `").append(name).append("` |");
      for (String key : keys) {
        Results.Measurement m = r.get(key);
        long millis = m == null ? 0 : m.operatorThreadCpu().getOrDefault(name, 0L);
        md.append(String.format(Locale.ROOT, " %,d ms (%.1f µs/msg) |", millis, m == null ? 0 : millis * 1000.0 / m.wrk().requests()));
      }
      md.append('\n');
    }
    md.append("| threads that ended during the run (process CPU minus the live threads') |");
    for (String key : keys) {
      Results.Measurement m = r.get(key);
      long millis = 0;
      if (m != null) {
        long live = m.operatorThreadCpu().values().stream().mapToLong(Long::longValue).sum();
        millis = Math.max(0, m.cpu().millisByGroup().getOrDefault(OPERATOR, 0L) - live);
      }
      md.append(String.format(Locale.ROOT, " %,d ms (%.1f µs/msg) |", millis, m == null ? 0 : millis * 1000.0 / m.wrk().requests()));
    }
    md.append('\n');
    return md.append('\n').toString();
  }

  static String slowTable(List<Results.Slow> runs) {
    StringBuilder md = new StringBuilder();
    md.append("| Run | Succeeded | Wall time s | Latency min / p50 / p99 / max ms | Peak in flight: operator gauge / at receiver |"
        + " New TLS connections | Retries | Live JVM threads: before / peak | Kernel threads: before / peak | Threads started |"
        + " Heap peak / max MiB | Full GCs (ms) | Operator CPU s |\n");
    md.append("|---|---:|---:|---|---|---:|---:|---|---|---:|---|---|---:|\n");
    for (Results.Slow slow : runs) {
      SlowDeliveries.Result x = slow.result();
      md.append(String.format(Locale.ROOT,
          "| %s | %,d / %,d | %.1f | %d / %d / %d / %d | %,d / %,d | %,d | %,d | %d / **%d** | %d / **%d** | %,d | %d / %d | %d (%,d) | %.1f |%n",
          x.label(), x.succeeded(), x.requested(), x.seconds(), x.minMillis(), x.p50Millis(), x.p99Millis(), x.maxMillis(),
          x.peakInFlightOperator(), x.peakInFlightReceiver(), x.receiverConnectionsOpened(), slow.retries(),
          x.baselineJvmThreads(), x.peakJvmThreads(), x.baselineOsThreads(), x.peakOsThreads(), x.threadsStarted(),
          x.peakHeapBytes() >> 20, x.maxHeapBytes() >> 20, x.fullGcs(), x.fullGcMillis(),
          x.cpu().millisByGroup().getOrDefault(OPERATOR, 0L) / 1000.0));
    }
    md.append('\n');
    for (Results.Slow slow : runs) {
      SlowDeliveries.Result x = slow.result();
      if (x.operatorExit() != null) {
        md.append("- **").append(x.label()).append("**: ").append(x.operatorExit())
            .append(" (a new operator JVM was started for the rest of the benchmark)\n");
      }
      if (!x.failures().isEmpty()) {
        md.append("- ").append(x.label()).append(": ").append(x.requested() - x.succeeded())
            .append(" messages failed; first answers: `").append(String.join("`, `", x.failures().stream().limit(3)
                .map(f -> f.length() > 240 ? f.substring(0, 240) + "..." : f).toList())).append("`\n");
      }
    }
    md.append('\n');
    return md.toString();
  }

  private static String scaleCell(Results r) {
    Results.Measurement before = r.get(SCALE_BEFORE);
    Results.Measurement same = r.get(SCALE_AFTER);
    Results.Measurement spread = r.get(SCALE_SPREAD);
    return String.format(Locale.ROOT, "1 mailbox: %.0f msg/s, %.3f ms CPU/msg; same mailbox among %,d: %.0f msg/s (%+.1f%%), %.3f ms (%+.1f%%);"
            + " spread over all: %.0f msg/s (%+.1f%%), %.3f ms (%+.1f%%)",
        before.perSecond(), before.cpuPerMessage(OPERATOR), r.loadedMailboxes, same.perSecond(),
        change(same.perSecond(), before.perSecond()), same.cpuPerMessage(OPERATOR),
        change(same.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR)), spread.perSecond(),
        change(spread.perSecond(), before.perSecond()), spread.cpuPerMessage(OPERATOR),
        change(spread.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR)));
  }

  private static String verdict(boolean met, String missed) {
    return met ? "met" : "**" + missed + "**";
  }

  private static String row(Results.Measurement m) {
    return String.format(Locale.ROOT, "| %s | %.0f | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %,d | %d | %s | %s |%n",
        m.title(), m.perSecond(), m.deliveriesPerMessage() == 0 ? "–" : String.format(Locale.ROOT, "%.0f", m.perSecond() * m.deliveriesPerMessage()),
        m.wrk().p50() / 1000, m.wrk().p90() / 1000, m.wrk().p99() / 1000, m.wrk().p999() / 1000, m.wrk().max() / 1000,
        m.wrk().requests(), m.wrk().errors() + m.wrk().non2xx() + m.wrk().timeouts(),
        m.deliveriesPerMessage() == 0 ? "–" : Integer.toString(m.peakJvmThreads()),
        m.deliveriesPerMessage() == 0 ? "–" : m.gcCount() + ", " + m.gcMillis());
  }

  private static void problems(StringBuilder md, java.util.Collection<Results.Measurement> measurements) {
    boolean any = false;
    for (Results.Measurement m : measurements) {
      if (!m.problems().isEmpty()) {
        md.append("- **").append(m.title()).append("**: ").append(String.join("; ", m.problems())).append('\n');
        any = true;
      }
    }
    if (any) {
      md.append('\n');
    } else {
      md.append("Checks: no socket errors, HTTP errors or timeouts; every message's deliveries succeeded at the first"
          + " attempt (operator metrics) and reached the receiver.\n\n");
    }
  }

  private static String cpuTable(Results r, List<String> keys) {
    List<String> groups = List.of(OPERATOR, RECEIVER, NGINX_GROUP, WRK, KUBE, BENCH, OTHER);
    StringBuilder md = new StringBuilder("| Scenario |");
    groups.forEach(g -> md.append(' ').append(g).append(" |"));
    md.append(" all |\n|---|");
    groups.forEach(g -> md.append("---:|"));
    md.append("---:|\n");
    for (String key : keys) {
      Results.Measurement m = r.get(key);
      md.append("| ").append(m.title()).append(" |");
      long total = 0;
      for (String group : groups) {
        long millis = m.cpu().millisByGroup().getOrDefault(group, 0L);
        total += millis;
        md.append(String.format(Locale.ROOT, " %.3f ms (%.2f) |", millis / (double) m.wrk().requests(), m.cpu().cores(millis)));
      }
      md.append(String.format(Locale.ROOT, " %.3f ms (%.2f) |%n", total / (double) m.wrk().requests(), m.cpu().cores(total)));
    }
    md.append("\nEach cell: CPU ms per message (cores used on average).\n\n");
    return md.toString();
  }

  private static String shareTable(String title, Map<String, Long> counts, long total) {
    StringBuilder md = new StringBuilder("| " + title + " | Samples | Share |\n|---|---:|---:|\n");
    counts.forEach((name, count) -> md.append(String.format(Locale.ROOT, "| `%s` | %,d | %.1f%% |%n", name, count, 100.0 * count / total)));
    return md.append('\n').toString();
  }
}
