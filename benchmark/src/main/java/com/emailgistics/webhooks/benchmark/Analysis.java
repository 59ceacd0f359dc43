package com.emailgistics.webhooks.benchmark;

import static com.emailgistics.webhooks.benchmark.BenchmarkMain.COMPARED;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.DISPATCH_1;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.DISPATCH_10;
import static com.emailgistics.webhooks.benchmark.BenchmarkMain.NGINX;
import static com.emailgistics.webhooks.benchmark.Report.NGINX_GROUP;
import static com.emailgistics.webhooks.benchmark.Report.OPERATOR;
import static com.emailgistics.webhooks.benchmark.Report.RECEIVER;
import static com.emailgistics.webhooks.benchmark.Report.WRK;

import java.util.List;
import java.util.Locale;

/**
 * Why targets were missed, written from the measured figures: each finding is printed only when
 * this run's numbers show it, with those numbers.
 */
final class Analysis {
  private Analysis() {}

  static String markdown(Results r) {
    StringBuilder md = new StringBuilder("## Analysis: missed targets, causes and fixes\n\n");
    boolean ratioMissed = r.ratio() < Results.RATIO_TARGET;
    boolean p99Missed = r.p99Factor() > Results.P99_FACTOR_TARGET;
    boolean slowMissed = r.slow.stream().anyMatch(s -> !s.allSucceeded() || !s.threadsWithinLimit());
    if (!ratioMissed && !p99Missed && !slowMissed && Report.scaleMet(r)) {
      return md.append("Every target was met in this run.\n\n").toString();
    }
    if (ratioMissed) {
      md.append(String.format(Locale.ROOT, "**Throughput ratio %.2f instead of %.2f: missed by %.0f%%.**", r.ratio(),
          Results.RATIO_TARGET, (1 - r.ratio() / Results.RATIO_TARGET) * 100));
    }
    if (p99Missed) {
      md.append(String.format(Locale.ROOT, " **p99 %.2fx nginx's instead of at most %.1fx.**", r.p99Factor(),
          Results.P99_FACTOR_TARGET));
    } else {
      md.append(String.format(Locale.ROOT, " The p99 target is met (%.2fx nginx's).", r.p99Factor()));
    }
    md.append("\n\n");
    String defects = defects(r, DISPATCH_1, DISPATCH_10, r.slow, r.profile, "the measured operator");
    if (!defects.isEmpty()) {
      md.append("Defects in the measured operator, in the order of their effect:\n\n").append(defects);
    } else if (r.get(DISPATCH_1 + COMPARED) != null) {
      md.append("The measured operator shows none of the defects the compared build has (see the comparison above:"
          + " Nagle's delay, a thread per answer, the CA bundle parsed per delivery).\n\n");
    }
    if (ratioMissed) {
      md.append(remaining(r));
    }
    md.append(slowAnalysis(r));
    md.append(afterBurst(r));
    if (!Report.scaleMet(r)) {
      Results.Measurement before = r.get(BenchmarkMain.SCALE_BEFORE);
      Results.Measurement same = r.get(BenchmarkMain.SCALE_AFTER);
      Results.Measurement sameControl = r.get(BenchmarkMain.SCALE_AFTER_CONTROL);
      Results.Measurement spreadControl = r.get(BenchmarkMain.SCALE_SPREAD_CONTROL);
      md.append(String.format(Locale.ROOT, "**Per-message cost with %,d mailboxes x 20 rules: missed.** With the chart's heap"
              + " (-Xmx%s) the same mailbox's messages cost %.3f ms of operator CPU instead of %.3f ms (%+.0f%%) and throughput"
              + " fell %.0f%%. The operator's live heap after loading was %d MiB of %d MiB",
          r.settings.mailboxes(), r.settings.operatorHeap(), same.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR),
          Report.change(same.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR)),
          -Report.change(same.perSecond(), before.perSecond()), r.liveHeapAfterLoadBytes >> 20, r.operatorHeapMaxBytes >> 20));
      if (sameControl != null) {
        boolean heapExplains = sameControl.cpuPerMessage(OPERATOR) <= before.cpuPerMessage(OPERATOR) * (1 + Results.SCALE_TOLERANCE)
            && spreadControl.cpuPerMessage(OPERATOR) <= before.cpuPerMessage(OPERATOR) * (1 + Results.SCALE_TOLERANCE);
        md.append(String.format(Locale.ROOT, "; with -Xmx%s and everything still loaded the same messages cost %.3f ms"
                + " (%+.0f%% against 1 mailbox) at %.0f msg/s (%+.0f%%), spread over all mailboxes %.3f ms (%+.0f%%).",
            r.settings.scaleControlHeap(), sameControl.cpuPerMessage(OPERATOR),
            Report.change(sameControl.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR)), sameControl.perSecond(),
            Report.change(sameControl.perSecond(), before.perSecond()), spreadControl.cpuPerMessage(OPERATOR),
            Report.change(spreadControl.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR))));
        if (heapExplains) {
          md.append(" So the lookups themselves do not grow with the number of mailboxes (they are index lookups: mailbox"
              + " by address, rules by mailbox, compiled rules by uid); the growth is garbage collection in a heap mostly"
              + " filled by the informer caches (GC threads in the table above). The remedy is memory, below.");
        } else {
          md.append(" More heap does not remove the growth, so it is not (only) garbage collection: compare the operator's"
              + " CPU by thread in the table above (the dispatch path's own lookups are index lookups: mailbox by address,"
              + " rules by mailbox, compiled rules by uid).");
        }
      } else {
        md.append(".");
      }
      md.append("\n\n");
    } else {
      md.append("**Per-message cost with 1,000 mailboxes:** met. The dispatch path uses only index lookups (mailbox by"
          + " address, rules by mailbox, compiled rules by uid); one linear step remains,"
          + " `WebhookSpec.permitsMailbox` scanning the webhook's `spec.mailboxes` (1,002 entries here) once per"
          + " delivery, which is within the noise at this size; a set built once per Webhook version would remove it"
          + " for much longer lists.\n\n");
    }
    md.append(memoryPerObject(r));
    return md.toString();
  }

  /**
   * The operator defects a build's figures show (empty when none): Nagle's delay, a thread per
   * delivery answer, CA parsing per delivery.
   */
  static String defects(Results r, String key1, String key10, List<Results.Slow> slow, JfrSummary.Summary profile,
      String subject) {
    Results.Measurement dispatch = r.get(key1);
    Results.Measurement ten = r.get(key10);
    if (dispatch == null || ten == null) {
      return "";
    }
    StringBuilder md = new StringBuilder();
    double operatorCores = dispatch.cpu().cores(dispatch.cpu().millisByGroup().getOrDefault(OPERATOR, 0L));
    double littleLaw = dispatch.wrk().connections() / (dispatch.wrk().p50() / 1e6);
    if (dispatch.wrk().p50() > 30_000) {
      md.append(String.format(Locale.ROOT, """
          - **40 ms per answer: Nagle's algorithm on the dispatch socket** (`operator/.../dispatch/DispatchServer.java`).
            With %d connections %s answered %.0f msg/s at a p50 of %.1f ms (%d / %.1f ms = %.0f/s: the connections
            simply wait), while the operator used only %.2f cores. The JDK HTTP server enables `TCP_NODELAY` only when
            the system property `sun.net.httpserver.nodelay` is `true`; without it the answer's body, written after its
            headers, waits for the client's delayed ACK (40 ms on Linux). **Fix**, in `DispatchServer.applyServerLimits`
            (which runs before the first `HttpServer` is created): `System.setProperty("sun.net.httpserver.nodelay", "true");`

          """, dispatch.wrk().connections(), subject, dispatch.perSecond(), dispatch.wrk().p50() / 1000,
          dispatch.wrk().connections(), dispatch.wrk().p50() / 1000, littleLaw, operatorCores));
    }
    double threadsPerMessage = dispatch.threadsStarted() / (double) dispatch.wrk().requests();
    if (threadsPerMessage > 0.5) {
      long live = dispatch.operatorThreadCpu().values().stream().mapToLong(Long::longValue).sum();
      long ended = Math.max(0, dispatch.cpu().millisByGroup().getOrDefault(OPERATOR, 0L) - live);
      Results.Slow firstSlow = slow.isEmpty() ? null : slow.get(0);
      md.append(String.format(Locale.ROOT, """
          - **A new thread for every delivery's answer** (`operator/.../delivery/WebhookHttpClient.java`, `post`, and
            `OperatorMain`). %s started %,d threads while serving %,d messages with 1 rule (%.2f per message) and %,d
            for %,d messages with 10 rules (%.2f per message); threads that ended during the 1-rule run had used %,d ms
            of CPU. The JDK's `HttpClient.sendAsync` completes the returned future on `CompletableFuture`'s default
            executor (JDK 17 `HttpClientImpl.sendAsync`: `res.whenCompleteAsync((r, t) -> {}, ASYNC_POOL)`, "makes
            sure that any dependent actions happen in the CF default executor"). That executor is the common
            `ForkJoinPool` only if its parallelism is at least 2; with 1 or 2 CPUs (parallelism = CPUs - 1: this
            machine, and the Helm chart's 1-CPU limit) it is `ThreadPerTaskExecutor`, which starts a platform thread
            per task, and everything after the answer (envelope validation, actions, history, the report's JSON,
            writing the dispatch answer) runs on that fresh thread.%s **Fix**: as the first statement of
            `OperatorMain.main`, before anything initialises `CompletableFuture`, set
            `java.util.concurrent.ForkJoinPool.common.parallelism` to `max(2, CPUs)` unless it is set (or pass
            `-Djava.util.concurrent.ForkJoinPool.common.parallelism=2` in `JAVA_TOOL_OPTIONS`), and warn when
            `ForkJoinPool.getCommonPoolParallelism() < 2` (embedded use).

          """, subject, dispatch.threadsStarted(), dispatch.wrk().requests(), threadsPerMessage, ten.threadsStarted(),
          ten.wrk().requests(), ten.threadsStarted() / (double) ten.wrk().requests(), ended,
          firstSlow == null ? "" : String.format(Locale.ROOT, " With %,d slow deliveries the burst of answers started %,d"
              + " threads (peak %d kernel threads, %d Java threads).", firstSlow.result().requested(),
              firstSlow.result().threadsStarted(), firstSlow.result().peakOsThreads(), firstSlow.result().peakJvmThreads())));
    }
    if (profile != null) {
      long parse = profile.inclusiveOperator().getOrDefault("delivery.WebhookHttpClient.parseCertificates", 0L);
      long resolve = profile.inclusiveOperator().getOrDefault("reconciler.webhook.ResolvedWebhook.resolve", 0L);
      if (resolve > 0.03 * profile.samples()) {
        md.append(String.format(Locale.ROOT, """
            - **The webhook's CA bundle is parsed for every delivery** (minor; `operator/.../dispatch/DispatchService.java`,
              `deliver`). `ResolvedWebhook.resolve` runs per delivery: it base64-decodes the Secrets and parses the PEM
              bundle (`WebhookHttpClient.parseCertificates`) only to validate it, and `WebhookHttpClient.clientFor` then
              hashes the whole PEM text to find the cached client. In the JFR profile `ResolvedWebhook.resolve` is on
              the stack in %.1f%% of the operator's samples, certificate parsing in %.1f%%. **Fix**: resolve each
              Webhook once per resourceVersion of itself and its Secrets, as `CompiledRules` does for rules (a rotated
              Secret has a new resourceVersion, so rotation still applies to the next delivery).

            """, 100.0 * resolve / profile.samples(), 100.0 * parse / profile.samples()));
      }
    }
    return md.toString();
  }

  /** The 1-rule load right after the slow deliveries, against the same load before them. */
  private static String afterBurst(Results r) {
    Results.Measurement after = r.get(BenchmarkMain.DISPATCH_1_AFTER_SLOW);
    Results.Measurement before = r.get(DISPATCH_1);
    if (after == null || before == null || after.perSecond() > 0.85 * before.perSecond() || r.slow.isEmpty()) {
      return "";
    }
    long gcThreads = after.operatorThreadCpu().entrySet().stream()
        .filter(e -> e.getKey().startsWith("GC Thread") || e.getKey().startsWith("GN Conc") || e.getKey().startsWith("GN Refine"))
        .mapToLong(java.util.Map.Entry::getValue).sum();
    SlowDeliveries.Result warm = r.slow.get(r.slow.size() - 1).result();
    return String.format(Locale.ROOT, """
        **After a burst the operator stays slower.** Right after the slow deliveries the 1-rule load ran at %.0f msg/s
        instead of %.0f, at %.3f ms of operator CPU per message instead of %.3f, %,d ms of it in GC threads. The JDK
        HttpClient keeps the burst's connections (up to %,d to the receiver) in its pool, with their TLS buffers: JDK 17
        keeps idle HTTP/1.1 connections for 1,200 s (`jdk.httpclient.keepalive.timeout`) and does not bound the pool
        (`jdk.httpclient.connectionPoolSize` = 0), so the heap stays near its limit (peak %d of %d MiB during the runs)
        and the collector keeps working while they stay pooled. **Fix**: in `WebhookOperator.prepareJvm`, unless set, set
        `jdk.httpclient.keepalive.timeout` to 30 s (the default of newer JDKs) and `jdk.httpclient.connectionPoolSize`
        to a few hundred, and give the operator memory for its peak concurrency (above).

        """, after.perSecond(), before.perSecond(), after.cpuPerMessage(OPERATOR), before.cpuPerMessage(OPERATOR), gcThreads,
        warm.peakInFlightReceiver(), warm.peakHeapBytes() >> 20, warm.maxHeapBytes() >> 20);
  }

  /** Live heap per loaded object, against the chart's heap. */
  private static String memoryPerObject(Results r) {
    if (r.liveHeapAfterLoadBytes <= 0 || r.loadedRules <= 32) {
      return "";
    }
    double perRule = (r.liveHeapAfterLoadBytes - r.liveHeapBaseBytes) / 1024.0 / (r.loadedRules - 32);
    double share = r.liveHeapAfterLoadBytes / (double) r.operatorHeapMaxBytes;
    if (share < 0.5) {
      return "";
    }
    return String.format(Locale.ROOT, """
        **Heap per object.** After loading, the operator's live heap (after a full GC) was %d MiB, %.0f%% of its %d MiB
        heap: about %.1f KiB per MailboxRule (with its share of the Mailboxes). The informers cache full fabric8
        objects: one of these rules is %,d bytes of JSON, %,d of them `metadata.managedFields` (%s), and the Java
        objects are several times their JSON. With the chart's memory limit the operator has little room left at this
        size (GC work shows in the after-load runs). Suggested: keep `managedFields` out of the caches with an
        `ItemStore` that clears them on put (fabric8's `ItemStore`/`BasicItemStore`, handed to the controllers with
        JOSDK's `ControllerConfigurationOverrider.withItemStore` and to the secondary informers' configurations;
        client-go operators do the same with `TransformStripManagedFields`), and size the chart's memory by the number
        of MailboxRules.

        """, r.liveHeapAfterLoadBytes >> 20, share * 100, r.operatorHeapMaxBytes >> 20, perRule, r.sampleRuleJsonBytes,
        r.sampleRuleManagedFieldsBytes, String.join(", ", r.sampleRuleManagers));
  }

  /** The cost that remains: what the dispatch path does that nginx does not. */
  private static String remaining(Results r) {
    Results.Measurement nginx = r.get(NGINX);
    Results.Measurement reference = r.get(DISPATCH_1);
    double operatorPerMessage = reference.cpuPerMessage(OPERATOR) * 1000;
    double nginxPerMessage = nginx.cpuPerMessage(NGINX_GROUP) * 1000;
    double dispatchTotal = total(reference);
    double nginxTotal = total(nginx);
    return String.format(Locale.ROOT, """
        **Where the throughput goes.** The operator spends %.0f µs of CPU per message (1 rule), nginx %.0f µs per proxied
        request. Both runs keep the 2 cores busy (all processes on the request path: %.0f µs per message through the
        dispatch endpoint, %.0f µs through nginx, including the receiver's %.0f / %.0f µs and wrk's %.0f / %.0f µs), so
        throughput is about 2 cores / CPU per message, and with this per-message cost the ratio cannot exceed about
        %.2f. Per message the dispatch path reads the request on a JDK HttpServer handler thread (blocking reads),
        parses the JSON twice (tree, then message), evaluates the rules, builds and serialises the payload, sends it
        over TLS with the JDK HttpClient (its executor, selector and sequential schedulers hand each exchange between
        threads several times: see the operator's CPU by thread above), parses the envelope JSON, applies the actions,
        records history and metrics, serialises a report several times the size of the answer nginx relays and
        writes it; nginx relays bytes on one event loop with OpenSSL. Reaching 0.80 would need the whole dispatch to
        cost no more than about %.0f µs of CPU per message on top of nginx's own cost: not reachable with JDK
        HttpServer + JDK HttpClient and three JSON passes per message. It would take one event-loop HTTP stack for
        both sides (e.g. Netty or Vert.x, OpenSSL through netty-tcnative), writing the report without an intermediate
        tree, and fewer thread hand-offs. Short of that, the target may be better stated against a proxy that also
        parses and answers JSON.

        """, operatorPerMessage, nginxPerMessage, dispatchTotal, nginxTotal,
        reference.cpuPerMessage(RECEIVER) * 1000, nginx.cpuPerMessage(RECEIVER) * 1000,
        reference.cpuPerMessage(WRK) * 1000, nginx.cpuPerMessage(WRK) * 1000,
        nginxTotal / dispatchTotal, nginxTotal / Results.RATIO_TARGET - nginxTotal);
  }

  /** CPU µs per message of the processes on the request path. */
  private static double total(Results.Measurement m) {
    double total = 0;
    for (String group : List.of(OPERATOR, RECEIVER, NGINX_GROUP, WRK)) {
      total += m.cpuPerMessage(group) * 1000;
    }
    return total;
  }

  private static String slowAnalysis(Results r) {
    StringBuilder md = new StringBuilder();
    for (Results.Slow slow : r.slow) {
      SlowDeliveries.Result x = slow.result();
      if (slow.allSucceeded() && slow.threadsWithinLimit()) {
        continue;
      }
      md.append(String.format(Locale.ROOT, "**%,d slow deliveries, %s:** %,d of %,d succeeded, live threads peaked at"
              + " %d (Java, ThreadMXBean) / %d (kernel).", x.requested(), x.label(), x.succeeded(), x.requested(), x.peakJvmThreads(),
          x.peakOsThreads()));
      if (!slow.threadsWithinLimit() && x.threadsStarted() > x.requested() / 2) {
        md.append(String.format(Locale.ROOT, " The thread count comes from the thread per answer described above: %,d"
            + " threads were started during the run.", x.threadsStarted()));
      }
      if (x.operatorExit() != null) {
        md.append(" The operator JVM died: `").append(x.operatorExit()).append("`.");
      }
      if (slow.retries() > 0) {
        md.append(String.format(Locale.ROOT, " The receiver saw %,d more requests than messages: deliveries that hit the"
            + " webhook's 30 s timeout while waiting for their TLS handshake were retried.", slow.retries()));
      }
      md.append("\n\n");
    }
    boolean memoryPressure = false;
    for (Results.Slow slow : r.slow) {
      SlowDeliveries.Result x = slow.result();
      memoryPressure |= x.operatorExit() != null || x.fullGcs() > 0 || x.peakHeapBytes() > 0.9 * x.maxHeapBytes();
    }
    if (memoryPressure) {
      md.append(String.format(Locale.ROOT, """
          **Memory with thousands of deliveries in flight.** With the heap the Helm chart gives (-Xmx%s: 75%% of a 512Mi
          container) 5,000 concurrent deliveries fill it (peaks in the table of scenario 3, full GCs counted there): each
          in-flight delivery holds its own HTTP/1.1 TLS connection (the client is pinned to HTTP/1.1) with the JDK
          client's ~16 KiB TLS record buffers, plus handshake state while connecting, plus the dispatch request's
          exchange. During development runs full GCs left 300-340 MiB live out of 384 MiB, and two of four runs ended in
          `OutOfMemoryError` (the chart's `-XX:+ExitOnOutOfMemoryError` then restarts the pod, failing every delivery in
          flight). **Fix**: either bound the deliveries in flight per endpoint (a semaphore per webhook URL in
          `WebhookHttpClient` with a bounded wait queue; JDK 17's client has no per-host connection limit) or document
          and set the memory needed per concurrent delivery (about 64 KiB of heap, so a 1 GiB limit for 5,000); allow
          HTTP/2 where endpoints offer it, which multiplexes deliveries over few connections.

          """, r.settings.operatorHeap()));
    }
    if (!r.slow.isEmpty()) {
      SlowDeliveries.Result cold = r.slow.get(0).result();
      if (cold.receiverConnectionsOpened() > cold.requested() / 2 && cold.peakInFlightReceiver() < cold.requested()) {
        long handshakeCpu = cold.operatorThreadCpu().getOrDefault("webhook-http-N", 0L);
        md.append(String.format(Locale.ROOT, """
            **Why the cold run takes %.0f s, not 5 s:** every concurrent HTTP/1.1 delivery needs its own connection, so
            the operator opened %,d TLS connections to the receiver at once. The JDK runs the handshakes' key exchange
            and certificate checks on the HttpClient's 4 executor threads (`webhook-http-N`: %,d ms of CPU in this run,
            %.1f ms per connection) and the receiver does its side on the same 2 cores, so connections come up over tens
            of seconds and at most %,d deliveries were waiting at the receiver at the same time (the operator had all
            %,d in flight). Once connections are pooled (the warm run) all deliveries overlap and the run takes about the
            endpoint's 5 s plus set-up. Not a thread problem; the same remedies as for memory apply (bounding
            connections per endpoint, HTTP/2).

            """, cold.seconds(), cold.receiverConnectionsOpened(), handshakeCpu,
            handshakeCpu / (double) Math.max(1, cold.receiverConnectionsOpened()), cold.peakInFlightReceiver(),
            cold.peakInFlightOperator()));
      }
    }
    return md.toString();
  }
}
