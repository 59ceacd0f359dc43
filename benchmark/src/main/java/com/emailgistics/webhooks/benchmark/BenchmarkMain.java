package com.emailgistics.webhooks.benchmark;

import static com.emailgistics.webhooks.benchmark.Workload.ADMIN_NAMESPACE;
import static com.emailgistics.webhooks.benchmark.Workload.FAST_WEBHOOK;
import static com.emailgistics.webhooks.benchmark.Workload.PACED_WEBHOOK;
import static com.emailgistics.webhooks.benchmark.Workload.SLOW_WEBHOOK;
import static com.emailgistics.webhooks.benchmark.Workload.TEAM_NAMESPACE;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookSpec;
import com.emailgistics.webhooks.testing.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark (scripts/benchmark.sh runs it): a real kube-apiserver, the operator in its own JVM,
 * an HTTPS receiver in its own JVM, nginx, and wrk or an open-loop generator as the load; all on
 * 127.0.0.1. Prints the figures and writes docs/benchmarks.md with its plots.
 */
public final class BenchmarkMain {
  static final String DISPATCH_1 = "dispatch-1-rule";
  static final String DISPATCH_10 = "dispatch-10-rules";
  static final String NGINX = "nginx";
  static final String DIRECT = "receiver-direct";
  static final String SCALE_BEFORE = "1-mailbox-x20";
  static final String SCALE_AFTER = "all-mailboxes-x20-same";
  static final String SCALE_SPREAD = "all-mailboxes-x20-spread";
  static final String CAPACITY = "paced-capacity";
  static final List<Integer> SWEEP = List.of(1, 4, 16, 64, 256);

  /** Deliveries to the paced webhook in flight at once in the overload scenario. */
  static final int PACED_LIMIT = 200;

  static final int DRAIN_MESSAGES = 500;
  static final int BASE_RULES = 33;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RECEIVER_TOKEN = "Bench-receiver-T0ken!0001";
  private static final int TEAM_NAMESPACES = 20;

  private final Settings settings;
  private final Results results = new Results();
  private final Proc.CpuMeter meter = new Proc.CpuMeter();
  private final long started = System.nanoTime();
  private Cluster cluster;
  private ReceiverProcess receiver;
  private OperatorJvm operator;
  private String operatorHeap;
  private Nginx nginx;
  private final List<Process> relays = new ArrayList<>();
  private Wrk wrk;
  private int operatorRestarts;
  private boolean stopped;
  private int expectedRules = BASE_RULES;

  private BenchmarkMain(Settings settings) {
    this.settings = settings;
    this.operatorHeap = settings.operatorHeap();
  }

  public static void main(String[] args) throws Exception {
    // This JVM's HTTP clients (the slow scenario opens thousands of connections to the dispatch
    // endpoint) must not leave idle connections behind for the next scenario.
    System.setProperty("jdk.httpclient.keepalive.timeout", "2");
    System.setProperty("java.awt.headless", "true");
    Settings settings = Settings.fromSystemProperties();
    BenchmarkMain benchmark = new BenchmarkMain(settings);
    // Ctrl-C or SIGTERM: stop every process the benchmark started (API server, JVMs, nginx).
    Runtime.getRuntime().addShutdownHook(new Thread(benchmark::shutDown, "benchmark-cleanup"));
    int status = 0;
    try {
      benchmark.run();
    } catch (Exception | Error e) {
      status = 1;
      System.err.println("BENCHMARK FAILED: " + e);
      e.printStackTrace();
    } finally {
      benchmark.shutDown();
    }
    System.exit(status);
  }

  private void run() throws Exception {
    Files.createDirectories(settings.workDir());
    results.started = Instant.now();
    results.settings = settings;
    results.machine = Machine.describe();
    step("machine: " + results.machine.summary());
    if (!Files.isRegularFile(settings.operatorJar())) {
      throw new IllegalStateException(
          "no operator jar at " + settings.operatorJar() + " (mvn -DskipTests package)");
    }

    step("starting kube-apiserver + etcd (kube-api-test, offline) and installing the CRDs");
    cluster = Cluster.start(settings.workDir(), settings.repo().resolve("crds"));
    results.kubernetesVersion = cluster.version();
    step(
        "API server "
            + results.kubernetesVersion
            + " ready in "
            + cluster.startup().toMillis()
            + " ms");

    step("starting the HTTPS receiver JVM");
    receiver =
        ReceiverProcess.start(
            settings.workDir(), settings.receiverEventLoops(), settings.slowDelay());
    results.receiverJvmOptions = receiver.jvmOptions();

    step("creating the base objects: 3 webhooks, 5 mailboxes, " + BASE_RULES + " rules");
    createBaseObjects();

    step("starting the operator JVM (its runnable jar, server-side apply, as in production)");
    operator = startOperator(Map.of());
    results.operatorJvmOptions = operator.jvmOptions();
    meter.group(Report.OPERATOR, () -> List.of(operator.pid()));
    meter.group(Report.RECEIVER, () -> List.of(receiver.pid()));
    meter.group(Report.NGINX_GROUP, () -> nginx == null ? List.of() : nginx.pids());
    meter.group(Report.KUBE, Cluster::pids);
    meter.group(Report.BENCH, () -> List.of(ProcessHandle.current().pid()));
    awaitSettled(BASE_RULES, Duration.ofSeconds(120));
    verifyBaseDispatch();

    step("starting nginx as a reverse proxy to the receiver");
    nginx =
        Nginx.start(
            settings.workDir(), receiver.port(), receiver.caFile(), settings.nginxWorkers());
    results.nginxConfig = Files.readString(nginx.config());
    verifyNginx();

    wrk = new Wrk(settings.workDir(), settings.connections());
    String nginxBase = "http://127.0.0.1:" + nginx.port();
    List<String> one = List.of(mailboxPath("one"));
    List<String> ten = List.of(mailboxPath("ten"));
    List<String> scale = List.of(mailboxPath(scaleMailbox(0)));

    if (!settings.warmup().isZero()
        && (settings.runs("throughput") || settings.runs("sweep") || settings.runs("scale"))) {
      step("warming up (JIT) for up to " + settings.warmup().toSeconds() + " s on each path");
      warmUp(DISPATCH_1, dispatchBase(), one, settings.warmup());
      warmUp(DISPATCH_10, dispatchBase(), ten, settings.warmup().dividedBy(2));
      warmUp(NGINX, nginxBase, one, settings.warmup().dividedBy(2));
    }

    if (settings.runs("throughput")) {
      step(
          "throughput and latency: nginx and dispatch in "
              + settings.rounds()
              + " alternating rounds of "
              + settings.duration().toSeconds()
              + " s, "
              + settings.connections()
              + " connections");
      for (int round = 1; round <= settings.rounds(); round++) {
        results.nginxRounds.add(
            measure(
                wrk,
                NGINX + "-" + round,
                "nginx reverse proxy -> receiver, round " + round,
                nginxBase,
                one,
                0,
                settings.duration()));
        results.dispatchRounds.add(
            measure(
                wrk,
                DISPATCH_1 + "-" + round,
                "dispatch, 1 matching rule, round " + round,
                dispatchBase(),
                one,
                1,
                settings.duration()));
      }
      measure(
          wrk,
          DISPATCH_10,
          "dispatch, 10 matching rules (10 sequential deliveries)",
          dispatchBase(),
          ten,
          10,
          settings.duration());
      measure(
          wrk,
          DIRECT,
          "receiver alone (wrk over HTTPS, no proxy)",
          "https://127.0.0.1:" + receiver.port(),
          List.of("/fast"),
          0,
          settings.duration().dividedBy(2));
    }

    if (settings.runs("floor")) {
      relayFloor(nginxBase, one);
    }

    if (settings.runs("sweep")) {
      step("throughput against concurrency: " + SWEEP + " connections, 6 s each");
      for (int connections : SWEEP) {
        Wrk sweep = new Wrk(settings.workDir(), connections);
        results.nginxSweep.put(
            connections,
            measure(
                sweep,
                NGINX + "-c" + connections,
                "nginx, " + connections + " connections",
                nginxBase,
                one,
                0,
                Duration.ofSeconds(6)));
        results.dispatchSweep.put(
            connections,
            measure(
                sweep,
                DISPATCH_1 + "-c" + connections,
                "dispatch, " + connections + " connections",
                dispatchBase(),
                one,
                1,
                Duration.ofSeconds(6)));
      }
    }

    if (settings.runs("slow")) {
      step(
          Results.SLOW_RUNS
              + " runs of "
              + settings.slowDeliveries()
              + " messages at once to an endpoint answering after "
              + settings.slowDelay().toMillis()
              + " ms (operator heap -Xmx"
              + settings.operatorHeap()
              + ", default limits)");
      for (int run = 1; run <= Results.SLOW_RUNS; run++) {
        results.slow.add(slow("run " + run));
      }
    }

    if (settings.runs("overload")) {
      overload();
    }
    if (settings.runs("drain")) {
      drain();
    }
    if (settings.runs("outage")) {
      outage();
    }

    if (settings.runs("scale")) {
      // A fresh JVM, so that nothing left from the earlier scenarios distorts the heap read before
      // loading, with the heap docs/operations.md recommends for 100,000 rules.
      operatorHeap = settings.scaleOperatorHeap();
      replaceOperator(Map.of(), "with heap -Xmx" + operatorHeap + " for the scale scenario");
      results.liveHeapBaseBytes = operator.liveHeapBytes();
      step("scale: creating " + settings.mailboxes() + " mailboxes x 20 rules, operator stopped");
      stopOperator();
      createScaleObjects();
      step("scale: cold start, a new operator JVM reconciles every new rule to Ready");
      results.coldStart = timedStart();
      step("scale: takeover, a new operator JVM finds every rule Ready");
      stopOperator();
      results.takeover = timedStart();
      results.liveHeapCachedBytes = operator.liveHeapBytes();
      System.out.printf(
          "    operator heap live after a full GC: %d MiB (%d MiB before loading)%n",
          results.liveHeapCachedBytes >> 20, results.liveHeapBaseBytes >> 20);
      List<String> spread = new ArrayList<>();
      for (int i = 0; i < settings.mailboxes(); i++) {
        spread.add(mailboxPath(scaleMailbox(i)));
      }
      // The one-mailbox side: a second JVM of the same build and heap that watches only the base
      // namespace, measured in rounds that alternate with the loaded JVM's, so that both sides
      // see the same minutes of this shared machine (measured minutes apart, they once differed
      // by more than the gap they were compared for).
      OperatorJvm loaded = operator;
      step(
          "scale: a second operator JVM watching only namespace "
              + TEAM_NAMESPACE
              + " (5 mailboxes, "
              + BASE_RULES
              + " rules), beside the loaded one; their rounds alternate");
      OperatorJvm alone =
          startOperator(
              Map.of("EMAILGISTICS_MAILBOX_NAMESPACES", TEAM_NAMESPACE),
              settings.workDir().resolve("one-mailbox-operator"));
      try {
        operator = alone;
        awaitSettled(BASE_RULES, Duration.ofSeconds(180));
        // The same limit for every side: a fresh JVM, with 100,000 rules in its heap, may need
        // all of it before its JIT settles (half of it once left 52% of a slice compiling, and
        // the first round half as fast as the third).
        warmUp(SCALE_BEFORE, dispatchBase(), scale, settings.warmup());
        operator = loaded;
        warmUp(SCALE_AFTER, dispatchBase(), scale, settings.warmup());
        warmUp(SCALE_SPREAD, dispatchBase(), spread, settings.warmup());
        for (int round = 1; round <= settings.scaleRounds(); round++) {
          operator = alone;
          scaleRound(
              wrk,
              SCALE_BEFORE,
              round,
              "dispatch, mailbox with 20 rules (1 matching); 5 mailboxes, "
                  + BASE_RULES
                  + " rules loaded",
              scale);
          operator = loaded;
          scaleRound(
              wrk,
              SCALE_AFTER,
              round,
              "dispatch, the same mailbox (20 rules, 1 matching) among "
                  + settings.mailboxes()
                  + " mailboxes",
              scale);
          scaleRound(
              wrk,
              SCALE_SPREAD,
              round,
              "dispatch, every message to the next of the "
                  + settings.mailboxes()
                  + " mailboxes (20 rules each)",
              spread);
        }
      } finally {
        operator = loaded;
        alone.close();
      }
      results.liveHeapCompiledBytes = operator.liveHeapBytes();
      System.out.printf(
          "    operator heap live after a full GC, every mailbox's rules compiled: %d MiB%n",
          results.liveHeapCompiledBytes >> 20);
    }

    results.runtime = Duration.ofNanos(System.nanoTime() - started);
    results.operatorRestarts = operatorRestarts;
    System.out.println();
    System.out.println(Report.console(results));
    if (!settings.complete()) {
      step(
          "partial run (phases "
              + settings.phases()
              + "): "
              + settings.output()
              + " left unchanged");
      return;
    }
    Files.createDirectories(settings.output().getParent());
    Report.write(results, settings.output());
    step("wrote " + settings.output() + " and its plots");
  }

  /** One round of a scale scenario; the report compares the median rounds. */
  private void scaleRound(Wrk wrk, String key, int round, String title, List<String> paths)
      throws Exception {
    results
        .scaleRounds
        .computeIfAbsent(key, any -> new ArrayList<>())
        .add(measure(wrk, key + "-" + round, title, dispatchBase(), paths, 1, settings.duration()));
  }

  private OperatorJvm startOperator(Map<String, String> overrides) throws Exception {
    return startOperator(overrides, settings.workDir());
  }

  /** {@code workDir}: its own for a JVM that runs beside another (log, token file). */
  private OperatorJvm startOperator(Map<String, String> overrides, Path workDir) throws Exception {
    return OperatorJvm.start(
        settings.operatorJar(),
        cluster.kubeconfig(),
        workDir,
        operatorHeap,
        settings.operatorJavaOptions(),
        overrides);
  }

  // ------------------------------------------------------------------------------------------
  // set-up

  /** The dispatch endpoint of the operator JVM running now (it changes when one is replaced). */
  private String dispatchBase() {
    return "http://127.0.0.1:" + operator.dispatchPort();
  }

  private static String mailboxPath(String name) {
    return "/v1/mailboxes/" + name + "@insurer.example/messages";
  }

  static String scaleMailbox(int i) {
    return String.format("mbx-%04d", i);
  }

  /** The Webhook that lists the k-th group of scale mailboxes. */
  static String scaleWebhook(int k) {
    return String.format("bench-fast-scale-%d", k);
  }

  static String scaleNamespace(int i) {
    return String.format("bench-team-%02d", i % TEAM_NAMESPACES);
  }

  private void createBaseObjects() {
    cluster.createNamespace(ADMIN_NAMESPACE);
    cluster.createNamespace(TEAM_NAMESPACE);
    cluster.create(
        Resources.secret(ADMIN_NAMESPACE, "receiver-ca", Map.of("ca.crt", receiver.caPem())));
    cluster.create(
        Resources.secret(ADMIN_NAMESPACE, "receiver-token", Map.of("token", RECEIVER_TOKEN)));
    cluster.create(
        webhook(
            FAST_WEBHOOK,
            "/fast",
            List.of(
                new NamespacedReference(TEAM_NAMESPACE, "one"),
                new NamespacedReference(TEAM_NAMESPACE, "ten"),
                new NamespacedReference(TEAM_NAMESPACE, scaleMailbox(0)))));
    cluster.create(
        webhook(SLOW_WEBHOOK, "/slow", List.of(new NamespacedReference(TEAM_NAMESPACE, "slow"))));
    cluster.create(
        webhook(
            PACED_WEBHOOK,
            "/delay/" + Workload.PACED_DELAY_MILLIS,
            List.of(new NamespacedReference(TEAM_NAMESPACE, "paced"))));
    for (String name : List.of("one", "ten", "slow", "paced")) {
      cluster.create(Resources.mailbox(TEAM_NAMESPACE, name));
    }
    cluster.create(Resources.mailbox(TEAM_NAMESPACE, scaleMailbox(0)));
    List<MailboxRule> rules = new ArrayList<>();
    rules.addAll(Workload.matchingRules(TEAM_NAMESPACE, "one", 1));
    rules.addAll(Workload.matchingRules(TEAM_NAMESPACE, "ten", 10));
    rules.add(Workload.alwaysTo(TEAM_NAMESPACE, "slow", SLOW_WEBHOOK));
    rules.add(Workload.alwaysTo(TEAM_NAMESPACE, "paced", PACED_WEBHOOK));
    rules.addAll(Workload.twentyRules(TEAM_NAMESPACE, scaleMailbox(0), FAST_WEBHOOK));
    rules.forEach(cluster::create);
  }

  private Webhook webhook(String name, String path, List<NamespacedReference> mailboxes) {
    Webhook webhook = Resources.webhook(ADMIN_NAMESPACE, name, receiver.url(path));
    webhook.getSpec().setSecretRef(new SecretKeyReference("receiver-token", "token"));
    webhook.getSpec().setCaBundleRef(new SecretKeyReference("receiver-ca", "ca.crt"));
    webhook.getSpec().setMailboxes(new ArrayList<>(mailboxes));
    webhook.getSpec().setIncludeMessageText(true);
    webhook.getSpec().setTimeoutSeconds(30);
    return webhook;
  }

  /**
   * Waits until {@code expectedRules} rules are Ready and the operator's CPU has gone quiet, and
   * returns when the operator's cache first showed every rule Ready (within the 3 s between
   * readings). The operator's gauges show the progress (listing 100,000 rules every few seconds
   * would load the API server it measures); the API server has the last word, once, at the end.
   */
  private Duration awaitSettled(int expectedRules, Duration timeout) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long lastPrint = 0;
    long allReadySeen = 0;
    String progress = "none seen";
    while (System.nanoTime() < deadline) {
      checkAlive();
      String metrics = operator.metrics();
      long seen = System.nanoTime();
      String rules = "kind=\"MailboxRule\"";
      int cached = (int) OperatorJvm.metric(metrics, "emailgistics_cached_objects", rules);
      int notReady = (int) OperatorJvm.metric(metrics, "emailgistics_objects_not_ready", rules);
      progress = cached + " cached, " + notReady + " of them not Ready";
      boolean allReady = cached >= expectedRules && notReady == 0;
      allReadySeen = !allReady ? 0 : allReadySeen == 0 ? seen : allReadySeen;
      long cpuBefore = Proc.cpuMillis(operator.pid());
      Thread.sleep(3000);
      double cores = (Proc.cpuMillis(operator.pid()) - cpuBefore) / 3000.0;
      if (allReady && cores < 0.15) {
        int ready = cluster.readyRules();
        progress += ", " + ready + " Ready in the API server";
        if (ready >= expectedRules) {
          return Duration.ofNanos(allReadySeen - start);
        }
      }
      if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(15)) {
        lastPrint = System.nanoTime();
        System.out.printf(
            "    %d of %d rules cached, %d of them not Ready, operator busy %.2f cores (%.0f s)%n",
            cached, expectedRules, notReady, cores, (System.nanoTime() - start) / 1e9);
      }
    }
    throw new IllegalStateException(
        expectedRules + " MailboxRules not Ready within " + timeout + " (" + progress + ")");
  }

  private void checkAlive() {
    if (!operator.isAlive()) {
      throw new IllegalStateException(
          "the operator JVM exited; log " + operator.log() + "\n" + ChildJvm.tail(operator.log()));
    }
  }

  private JsonNode post(String url, String body) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + OperatorJvm.DISPATCH_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "POST " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /**
   * One message to each benchmark mailbox: the expected rules match and every delivery succeeds.
   */
  private void verifyBaseDispatch() throws Exception {
    for (Object[] check :
        new Object[][] {{"one", 1, 1, 1}, {"ten", 10, 10, 10}, {scaleMailbox(0), 20, 1, 1}}) {
      String name = (String) check[0];
      JsonNode report = post(operator.dispatchUrl(mailboxPath(name)), Workload.MESSAGE);
      int rules = report.path("rules").size();
      int matched = 0;
      for (JsonNode rule : report.path("rules")) {
        matched += rule.path("matched").asBoolean() ? 1 : 0;
      }
      int succeeded = 0;
      for (JsonNode delivery : report.path("deliveries")) {
        succeeded += "Succeeded".equals(delivery.path("outcome").asText()) ? 1 : 0;
      }
      if (rules != (int) check[1]
          || matched != (int) check[2]
          || succeeded != (int) check[3]
          || report.path("deliveries").size() != (int) check[3]) {
        throw new IllegalStateException("unexpected dispatch report for " + name + ": " + report);
      }
      String sample = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
      if (name.equals("one")) {
        results.sampleReport = sample;
      }
      System.out.printf(
          "    %s: %d rules, %d matched, %d deliveries succeeded, %d actions, answer %d bytes%n",
          name,
          rules,
          matched,
          succeeded,
          report.path("actions").size(),
          JSON.writeValueAsBytes(report).length);
    }
  }

  private void verifyNginx() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + nginx.port() + mailboxPath("one")))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + OperatorJvm.DISPATCH_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(Workload.MESSAGE))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().contains("\"success\"")) {
      throw new IllegalStateException(
          "nginx -> receiver answered "
              + response.statusCode()
              + ": "
              + response.body()
              + "\n"
              + ChildJvm.tail(settings.workDir().resolve("nginx/error.log")));
    }
    System.out.println("    nginx -> https receiver: HTTP 200, " + response.body());
  }

  // ------------------------------------------------------------------------------------------
  // scenarios

  /**
   * Load until the operator's JIT has settled (compiling less than 10% of the time over a 5 s
   * slice) or {@code limit} has passed: on 2 busy cores C2 needs a while, and compiler threads
   * compete with the measured work.
   */
  private void warmUp(String key, String base, List<String> paths, Duration limit)
      throws Exception {
    if (limit.toSeconds() < 1) {
      return;
    }
    Duration slice = Duration.ofSeconds(Math.min(5, limit.toSeconds()));
    long deadline = System.nanoTime() + limit.toNanos();
    int slices = 0;
    Wrk.Result result;
    double compiling;
    do {
      long compileBefore = operator.compileMillis();
      long sliceStart = System.nanoTime();
      result =
          wrk.run(
              "warmup-" + key, base, paths, Workload.MESSAGE, OperatorJvm.DISPATCH_TOKEN, slice);
      compiling =
          (operator.compileMillis() - compileBefore) / ((System.nanoTime() - sliceStart) / 1e6);
      slices++;
    } while (compiling > 0.10 && System.nanoTime() + slice.toNanos() <= deadline);
    System.out.printf(
        Locale.ROOT,
        "    warm-up %-28s %8.0f msg/s after %3d s; JIT compiling %.0f%% of the last slice%n",
        key,
        result.perSecond(),
        slices * slice.toSeconds(),
        compiling * 100);
    results.warmups.put(
        key,
        String.format(
            Locale.ROOT,
            "%d s (JIT compiling %.0f%% of the last 5 s)",
            slices * slice.toSeconds(),
            compiling * 100));
  }

  private Results.Measurement measure(
      Wrk load,
      String key,
      String title,
      String base,
      List<String> paths,
      int deliveriesPerMessage,
      Duration duration)
      throws Exception {
    checkAlive();
    Thread.sleep(1000);
    operator.resetPeakThreads();
    long[] gcBefore = operator.gc();
    OperatorJvm.Deliveries before = operator.deliveries();
    Properties receiverBefore = receiver.stats();
    meter.begin();
    Wrk.Result result =
        load.run(key, base, paths, Workload.MESSAGE, OperatorJvm.DISPATCH_TOKEN, duration);
    Proc.CpuUsage cpu = meter.end();
    Thread.sleep(500);
    OperatorJvm.Deliveries deliveries = operator.deliveries().minus(before);
    long[] gcAfter = operator.gc();
    Properties receiverAfter = receiver.stats();
    long received =
        ReceiverProcess.counter(receiverAfter, "fast")
            - ReceiverProcess.counter(receiverBefore, "fast")
            + ReceiverProcess.counter(receiverAfter, "other")
            - ReceiverProcess.counter(receiverBefore, "other");
    Results.Measurement measurement =
        new Results.Measurement(
            key,
            title,
            result,
            cpu,
            deliveriesPerMessage,
            deliveries,
            operator.peakThreads(),
            gcAfter[0] - gcBefore[0],
            gcAfter[1] - gcBefore[1],
            received);
    results.measurements.put(key, measurement);
    System.out.println("  " + Report.line(measurement));
    if (!measurement.problems().isEmpty()) {
      System.out.println("    PROBLEMS: " + measurement.problems());
    }
    return measurement;
  }

  private SlowDeliveries.Result slow(String label) throws Exception {
    checkAlive();
    SlowDeliveries.Result result =
        SlowDeliveries.run(
            label,
            operator,
            receiver,
            meter,
            "slow@insurer.example",
            settings.slowDeliveries(),
            Duration.ofSeconds(1),
            settings.slowDelay().plusSeconds(90));
    System.out.println("  " + Report.line(result));
    if (result.operatorExit() != null) {
      System.out.println("    " + result.operatorExit());
      replaceOperator(Map.of(), "after it died");
      results.operatorRestarts++;
    }
    return result;
  }

  /**
   * Capacity set by a limit: the paced webhook answers after 100 ms and may have {@value
   * #PACED_LIMIT} deliveries in flight, so the operator can dispatch about 2,000 of its messages a
   * second; then three times that, open loop.
   */
  private void overload() throws Exception {
    replaceOperator(
        Map.of("EMAILGISTICS_DELIVERY_MAX_IN_FLIGHT_PER_WEBHOOK", Integer.toString(PACED_LIMIT)),
        "with at most " + PACED_LIMIT + " deliveries per webhook, for the overload scenario");
    String paced = mailboxPath("paced");
    Wrk closed = new Wrk(settings.workDir(), PACED_LIMIT - 10);
    step(
        "overload: capacity of the paced mailbox, closed loop with "
            + (PACED_LIMIT - 10)
            + " connections, after 30 s"
            + " of the same load to warm the fresh JVM");
    closed.run(
        "warmup-" + CAPACITY,
        dispatchBase(),
        List.of(paced),
        Workload.MESSAGE,
        OperatorJvm.DISPATCH_TOKEN,
        Duration.ofSeconds(30));
    Results.Measurement capacity =
        measure(
            closed,
            CAPACITY,
            "dispatch to the paced webhook (100 ms), closed loop",
            dispatchBase(),
            List.of(paced),
            1,
            Duration.ofSeconds(20));
    double rate = capacity.perSecond() * Results.OVERLOAD_FACTOR;
    step(
        String.format(
            Locale.ROOT,
            "overload: %.0f msg/s offered (%.0fx capacity) for 30 s, open loop",
            rate,
            Results.OVERLOAD_FACTOR));
    operator.resetPeakThreads();
    long fullGcBefore = operator.fullGc()[0];
    meter.begin();
    OpenLoad.Result loaded =
        OpenLoad.run(
            operator.dispatchUrl(paced),
            Workload.MESSAGE,
            OperatorJvm.DISPATCH_TOKEN,
            rate,
            Duration.ofSeconds(30),
            1000,
            Duration.ofSeconds(30));
    Proc.CpuUsage cpu = meter.end();
    boolean alive = operator.isAlive();
    results.overload =
        new Results.Overload(
            capacity.perSecond(),
            capacity,
            loaded,
            alive ? operator.peakThreads() : -1,
            alive ? operator.fullGc()[0] - fullGcBefore : -1,
            alive,
            cpu);
    System.out.println("  " + loaded.summary());
  }

  /** SIGTERM with {@value #DRAIN_MESSAGES} deliveries in flight to the slow endpoint. */
  private void drain() throws Exception {
    replaceOperator(Map.of(), "for the drain scenario");
    step(
        "drain: "
            + DRAIN_MESSAGES
            + " messages whose deliveries take "
            + settings.slowDelay().toMillis()
            + " ms, then SIGTERM");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create(operator.dispatchUrl(mailboxPath("slow")));
    long slowBefore = ReceiverProcess.counter(receiver.stats(), "slow");
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < DRAIN_MESSAGES; i++) {
      answers.add(
          client.sendAsync(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(120))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + OperatorJvm.DISPATCH_TOKEN)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Workload.MESSAGE.replace("bench-msg-0001", "drain-" + i)))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ReceiverProcess.counter(receiver.stats(), "slow") - slowBefore < DRAIN_MESSAGES
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    long sigterm = System.nanoTime();
    operator.terminate();
    int ok = 0;
    int succeeded = 0;
    List<String> failures = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      try {
        HttpResponse<String> response = answer.get(120, TimeUnit.SECONDS);
        if (response.statusCode() == 200) {
          ok++;
          if ("Succeeded"
              .equals(JSON.readTree(response.body()).at("/deliveries/0/outcome").asText())) {
            succeeded++;
          }
        } else if (failures.size() < 5) {
          failures.add("HTTP " + response.statusCode() + ": " + response.body());
        }
      } catch (Exception e) {
        if (failures.size() < 5) {
          failures.add(e.toString());
        }
      }
    }
    int exit = operator.awaitExit(Duration.ofSeconds(90));
    double seconds = (System.nanoTime() - sigterm) / 1e9;
    results.drain = new Results.Drain(DRAIN_MESSAGES, ok, succeeded, failures, seconds, exit);
    System.out.printf(
        Locale.ROOT,
        "  %d of %d answered 200 (%d delivered); process ended %.1f s after SIGTERM with %d%n",
        ok,
        DRAIN_MESSAGES,
        succeeded,
        seconds,
        exit);
    replaceOperator(Map.of(), "after the drain");
  }

  /** A kube-apiserver restart while messages arrive at a steady rate. */
  private void outage() throws Exception {
    step("API-server outage: kube-apiserver killed and restarted during 25 s of 500 msg/s");
    AtomicInteger probes = new AtomicInteger();
    AtomicInteger unready = new AtomicInteger();
    CompletableFuture<OpenLoad.Result> load =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return OpenLoad.run(
                    operator.dispatchUrl(mailboxPath("one")),
                    Workload.MESSAGE,
                    OperatorJvm.DISPATCH_TOKEN,
                    500,
                    Duration.ofSeconds(25),
                    64,
                    Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread prober =
        new Thread(
            () -> {
              while (!load.isDone()) {
                probes.incrementAndGet();
                if (operator.probe("/readyz") != 200) {
                  unready.incrementAndGet();
                }
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "readiness-prober");
    prober.start();
    Thread.sleep(5000);
    Duration unavailable = cluster.restartApiServer(Duration.ofSeconds(2));
    OpenLoad.Result result = load.get(120, TimeUnit.SECONDS);
    prober.join();
    results.outage = new Results.Outage(unavailable, result, unready.get(), probes.get());
    System.out.printf(
        Locale.ROOT,
        "  API server unavailable %.1f s; %s; /readyz not 200 in %d of %d probes%n",
        unavailable.toMillis() / 1000.0,
        result.summary(),
        unready.get(),
        probes.get());
  }

  /** Stops the operator JVM and starts a fresh one; waits until it has reconciled everything. */
  private void replaceOperator(Map<String, String> overrides, String why) throws Exception {
    step("starting a new operator JVM " + why);
    stopOperator();
    operator = startOperator(overrides);
    awaitSettled(expectedRules, settings.settleTimeout());
    verifyBaseDispatch();
  }

  /** Stops the operator JVM, keeping its log under a numbered name. */
  private void stopOperator() throws Exception {
    operator.close();
    Path log = operator.log();
    if (Files.exists(log)) {
      Files.move(
          log,
          log.resolveSibling(
              log.getFileName().toString().replace(".log", "")
                  + "-"
                  + (++operatorRestarts)
                  + ".log"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Starts an operator JVM and times it until every rule is Ready, counting the status writes the
   * API server received until the operator was idle (nothing else writes them then).
   */
  private Results.Startup timedStart() throws Exception {
    Cluster.Writes before = cluster.writes();
    long apiServerCpuBefore = Cluster.cpuMillis();
    long start = System.nanoTime();
    operator = startOperator(Map.of());
    Duration toReady = Duration.ofNanos(System.nanoTime() - start);
    Duration toAllReady = toReady.plus(awaitSettled(expectedRules, settings.settleTimeout()));
    Results.Startup startup =
        new Results.Startup(
            toReady,
            toAllReady,
            (long)
                OperatorJvm.metric(
                    operator.metrics(), "operator_sdk_reconciliations_started_total"),
            cluster.writes().minus(before),
            Proc.cpuMillis(operator.pid()),
            Cluster.cpuMillis() - apiServerCpuBefore);
    System.out.printf(
        "    /readyz 200 after %.1f s, every rule Ready after %.1f s; reconciliations: %,d;"
            + " status writes: %s; CPU: operator %.0f s, kube-apiserver + etcd %.0f s%n",
        toReady.toMillis() / 1000.0,
        toAllReady.toMillis() / 1000.0,
        startup.reconciliations(),
        startup.writes(),
        startup.operatorCpuMillis() / 1000.0,
        startup.apiServerCpuMillis() / 1000.0);
    verifyBaseDispatch();
    return startup;
  }

  /** Creates the scale scenario's objects; the operator reconciles them when it starts. */
  private void createScaleObjects() throws Exception {
    int count = settings.mailboxes();
    // One Webhook may list at most WebhookSpec.MAX_MAILBOXES, so the mailboxes are spread over as
    // many as needed.
    List<HasMetadata> webhooks = new ArrayList<>();
    List<NamespacedReference> listed = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      listed.add(new NamespacedReference(scaleNamespace(i), scaleMailbox(i)));
      if (listed.size() == WebhookSpec.MAX_MAILBOXES || i == count - 1) {
        webhooks.add(webhook(scaleWebhook(webhooks.size()), "/fast", listed));
        listed.clear();
      }
    }
    cluster.createAll(webhooks, 8, Duration.ofMinutes(1));
    for (int n = 0; n < Math.min(TEAM_NAMESPACES, count); n++) {
      cluster.createNamespace(scaleNamespace(n));
    }
    List<HasMetadata> mailboxes = new ArrayList<>();
    List<HasMetadata> rules = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      Mailbox mailbox = Resources.mailbox(scaleNamespace(i), scaleMailbox(i));
      mailboxes.add(mailbox);
      rules.addAll(
          Workload.twentyRules(
              scaleNamespace(i),
              scaleMailbox(i),
              scaleWebhook((i - 1) / WebhookSpec.MAX_MAILBOXES)));
    }
    Duration mailboxTime = cluster.createAll(mailboxes, 8, Duration.ofMinutes(10));
    System.out.printf(
        "    created %d mailboxes in %.1f s%n", mailboxes.size(), mailboxTime.toMillis() / 1000.0);
    Duration ruleTime = cluster.createAll(rules, 8, Duration.ofMinutes(30));
    System.out.printf(
        "    created %d rules in %.1f s%n", rules.size(), ruleTime.toMillis() / 1000.0);
    expectedRules = BASE_RULES + rules.size();
    results.loadedMailboxes = count + 3;
    results.loadedRules = expectedRules;
    results.createTime = mailboxTime.plus(ruleTime);
    results.scaleNamespaces = Math.min(TEAM_NAMESPACES, count);
    results.scaleWebhooks = webhooks.size();
  }

  /**
   * The floor under any dispatch design: bare relays (raw Netty, Vert.x) that only pass each
   * message to the receiver and its answer back, measured in alternating rounds with nginx.
   */
  private void relayFloor(String nginxBase, List<String> one) throws Exception {
    step("floor: bare relays (raw Netty, Vert.x) and nginx in " + settings.rounds() + " rounds");
    Map<String, String> bases = new LinkedHashMap<>();
    for (String mode : List.of(Results.RELAY_NETTY, Results.RELAY_VERTX)) {
      Path log = settings.workDir().resolve(mode + ".log");
      Process relay =
          ChildJvm.start(
              List.of(
                  ChildJvm.javaBinary(),
                  "-Xmx384m",
                  "-cp",
                  ChildJvm.ownClassPath(),
                  RelayFloor.class.getName(),
                  settings.workDir().toString(),
                  mode,
                  Integer.toString(Runtime.getRuntime().availableProcessors()),
                  Integer.toString(receiver.port()),
                  receiver.caFile().toString()),
              Map.of(),
              log);
      relays.add(relay);
      Properties properties =
          ChildJvm.awaitProperties(
              settings.workDir().resolve(mode + ".properties"), relay, Duration.ofSeconds(60), log);
      bases.put(mode, "http://127.0.0.1:" + properties.getProperty("port"));
    }
    meter.group(Report.RELAY, () -> relays.stream().map(Process::pid).toList());
    if (!settings.warmup().isZero()) {
      for (Map.Entry<String, String> relay : bases.entrySet()) {
        wrk.run(
            "warmup-" + relay.getKey(),
            relay.getValue(),
            one,
            Workload.MESSAGE,
            OperatorJvm.DISPATCH_TOKEN,
            settings.warmup().dividedBy(2));
      }
    }
    for (int round = 1; round <= settings.rounds(); round++) {
      results.floorRounds.add(
          measure(
              wrk,
              NGINX + "-floor-" + round,
              "nginx, round " + round,
              nginxBase,
              one,
              0,
              settings.duration()));
      for (Map.Entry<String, String> relay : bases.entrySet()) {
        results.floorRounds.add(
            measure(
                wrk,
                relay.getKey() + "-" + round,
                relay.getKey() + ", round " + round,
                relay.getValue(),
                one,
                0,
                settings.duration()));
      }
    }
    relays.forEach(relay -> ChildJvm.stop(relay, Duration.ofSeconds(5)));
  }

  private void step(String text) {
    System.out.printf("[benchmark +%4.0fs] %s%n", (System.nanoTime() - started) / 1e9, text);
  }

  private synchronized void shutDown() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (nginx != null) {
      nginx.close();
    }
    relays.forEach(relay -> ChildJvm.stop(relay, Duration.ofSeconds(5)));
    if (operator != null) {
      operator.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (cluster != null) {
      try {
        cluster.close();
      } catch (RuntimeException e) {
        System.err.println("could not stop the API server cleanly: " + e);
      }
    }
  }
}
