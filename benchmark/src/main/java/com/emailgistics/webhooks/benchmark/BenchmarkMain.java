package com.emailgistics.webhooks.benchmark;

import static com.emailgistics.webhooks.benchmark.Workload.ADMIN_NAMESPACE;
import static com.emailgistics.webhooks.benchmark.Workload.FAST_WEBHOOK;
import static com.emailgistics.webhooks.benchmark.Workload.SLOW_WEBHOOK;
import static com.emailgistics.webhooks.benchmark.Workload.TEAM_NAMESPACE;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark (scripts/benchmark.sh runs it): a real kube-apiserver, the operator in its own JVM,
 * an HTTPS receiver in its own JVM, nginx, and wrk as the load generator; everything on 127.0.0.1.
 * Prints the figures and writes docs/benchmarks.md.
 */
public final class BenchmarkMain {
  static final String DISPATCH_1 = "dispatch-1-rule";
  static final String DISPATCH_10 = "dispatch-10-rules";
  static final String NGINX = "nginx";
  static final String DIRECT = "receiver-direct";
  static final String SCALE_BEFORE = "1-mailbox-x20";
  static final String SCALE_AFTER = "1000-mailboxes-x20-same";
  static final String SCALE_SPREAD = "1000-mailboxes-x20-spread";
  static final String DISPATCH_1_AFTER = "dispatch-1-rule-after-load";
  static final String COMPARED = "-compared";
  static final String DISPATCH_1_AFTER_SLOW = "dispatch-1-rule-after-slow";
  static final String SCALE_AFTER_CONTROL = "1000-mailboxes-x20-same-big-heap";
  static final String SCALE_SPREAD_CONTROL = "1000-mailboxes-x20-spread-big-heap";
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
  private Nginx nginx;
  private Wrk wrk;
  private int operatorRestarts;
  private boolean stopped;
  private Path currentJar;
  private String currentHeap;
  private int expectedRules = 32;

  private BenchmarkMain(Settings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    // This JVM's HTTP clients (the load of scenario 3 opens thousands of connections to the
    // dispatch endpoint) must not leave idle connections behind for the next scenario.
    System.setProperty("jdk.httpclient.keepalive.timeout", "2");
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
      throw new IllegalStateException("no operator jar at " + settings.operatorJar() + " (mvn -DskipTests package)");
    }

    step("starting kube-apiserver + etcd (kube-api-test, offline) and installing the CRDs");
    cluster = Cluster.start(settings.workDir(), settings.repo().resolve("crds"));
    results.kubernetesVersion = cluster.version();
    step("API server " + results.kubernetesVersion + " ready in " + cluster.startup().toMillis() + " ms");

    step("starting the HTTPS receiver JVM");
    receiver = ReceiverProcess.start(settings.workDir(), settings.receiverEventLoops(), settings.slowDelay());
    results.receiverJvmOptions = receiver.jvmOptions();

    step("creating the base objects: 2 webhooks, 4 mailboxes, 32 rules");
    createBaseObjects();

    step("starting the operator JVM (its runnable jar, server-side apply, as in production)");
    operator = OperatorJvm.start(settings.operatorJar(), cluster.kubeconfig(), settings.workDir(), settings.operatorHeap(),
        settings.operatorJavaOptions(), settings.profile() && settings.runs("profile"));
    results.operatorJvmOptions = operator.jvmOptions();
    currentJar = settings.operatorJar();
    currentHeap = settings.operatorHeap();
    meter.group("operator JVM", () -> List.of(operator.pid()));
    meter.group("receiver JVM", () -> List.of(receiver.pid()));
    meter.group("nginx", () -> nginx == null ? List.of() : nginx.pids());
    meter.group("kube-apiserver + etcd", Cluster::pids);
    meter.group("benchmark JVM", () -> List.of(ProcessHandle.current().pid()));
    awaitSettled(32, Duration.ofSeconds(120));
    verifyBaseDispatch();
    results.liveHeapBaseBytes = operator.liveHeapBytes();

    step("starting nginx as a reverse proxy to the receiver");
    nginx = Nginx.start(settings.workDir(), receiver.port(), receiver.caFile(), settings.nginxWorkers());
    results.nginxConfig = Files.readString(nginx.config());
    verifyNginx();

    wrk = new Wrk(settings.workDir(), settings.connections());
    String nginxBase = "http://127.0.0.1:" + nginx.port();
    List<String> one = List.of(mailboxPath("one"));
    List<String> ten = List.of(mailboxPath("ten"));
    List<String> scale = List.of(mailboxPath(scaleMailbox(0)));

    boolean throughput = settings.runs("throughput");
    boolean scalePhase = settings.runs("scale");
    if (!settings.warmup().isZero() && (throughput || scalePhase || settings.runs("profile"))) {
      step("warming up (JIT) for " + settings.warmup().toSeconds() + " s on each path");
      warmUp(DISPATCH_1, dispatchBase(), one, settings.warmup());
      warmUp(DISPATCH_10, dispatchBase(), ten, settings.warmup().dividedBy(2));
      warmUp(NGINX, nginxBase, one, settings.warmup().dividedBy(2));
    }

    if (throughput) {
      step("scenario 1 and 2: throughput and latency, " + settings.connections() + " connections, "
          + settings.duration().toSeconds() + " s each");
      measure(NGINX, "nginx reverse proxy -> receiver", nginxBase, one, 0, settings.duration());
      measure(DISPATCH_1, "dispatch, 1 matching rule", dispatchBase(), one, 1, settings.duration());
      measure(DISPATCH_10, "dispatch, 10 matching rules (10 sequential deliveries)", dispatchBase(), ten, 10, settings.duration());
      measure(DIRECT, "receiver alone (wrk over HTTPS, no proxy)", "https://127.0.0.1:" + receiver.port(),
          List.of("/fast"), 0, settings.duration().dividedBy(2));
    }

    if (settings.profile() && settings.runs("profile")) {
      step("profiling the operator (JFR, " + settings.profileDuration().toSeconds() + " s of the 1-rule load)");
      profile(dispatchBase(), one);
    }

    if (settings.runs("slow")) {
      step("scenario 3: " + settings.slowDeliveries() + " concurrent deliveries to an endpoint answering after "
          + settings.slowDelay().toMillis() + " ms");
      String slowAddress = "slow@insurer.example";
      results.slow.add(slow("cold: new TLS connections", slowAddress));
      results.slow.add(slow("warm: pooled connections", slowAddress));
      if (throughput) {
        Thread.sleep(3000);
        measure(DISPATCH_1_AFTER_SLOW, "dispatch, 1 matching rule, right after the slow deliveries (their connections"
            + " still pooled)", dispatchBase(), one, 1, settings.duration().dividedBy(2));
      }
    }

    if (settings.compareJar() != null) {
      compare(nginxBase, one, ten);
    }

    if (scalePhase) {
      // A fresh JVM: nothing left from the slow deliveries (thousands of pooled connections) or
      // from a compared build distorts the per-message cost.
      replaceOperator(settings.operatorJar(), settings.operatorHeap(), "for scenario 4");
      step("scenario 4, before: one mailbox with 20 rules (1 matching), the only mailbox of its kind");
      warmUp(SCALE_BEFORE, dispatchBase(), scale, settings.warmup());
      measure(SCALE_BEFORE, "dispatch, mailbox with 20 rules (1 matching); 4 mailboxes, 32 rules loaded",
          dispatchBase(), scale, 1, settings.duration());
      results.liveHeapBaseBytes = operator.liveHeapBytes();
      step("scenario 4: loading " + settings.mailboxes() + " mailboxes x 20 rules");
      loadMailboxes();
      List<String> spread = new ArrayList<>();
      for (int i = 0; i < settings.mailboxes(); i++) {
        spread.add(mailboxPath(scaleMailbox(i)));
      }
      warmUp(SCALE_AFTER, dispatchBase(), scale, settings.warmup().dividedBy(2));
      warmUp(SCALE_SPREAD, dispatchBase(), spread, settings.warmup().dividedBy(2));
      measure(SCALE_AFTER, "dispatch, the same mailbox (20 rules, 1 matching) among " + settings.mailboxes() + " mailboxes",
          dispatchBase(), scale, 1, settings.duration());
      measure(SCALE_SPREAD, "dispatch, every message to the next of the " + settings.mailboxes() + " mailboxes (20 rules each)",
          dispatchBase(), spread, 1, settings.duration());
      if (throughput) {
        measure(DISPATCH_1_AFTER, "dispatch, 1 matching rule (mailbox 'one'), with the " + settings.mailboxes()
            + " mailboxes loaded", dispatchBase(), one, 1, settings.duration().dividedBy(2));
      }
      results.heapAfterLoadBytes = operator.heapUsedBytes();
      if (!settings.scaleControlHeap().isEmpty()) {
        // The same, with more heap: separates the cost of the lookups from the cost of GC.
        replaceOperator(settings.operatorJar(), settings.scaleControlHeap(), "with -Xmx" + settings.scaleControlHeap());
        results.liveHeapControlBytes = operator.liveHeapBytes();
        warmUp(SCALE_AFTER_CONTROL, dispatchBase(), scale, settings.warmup());
        warmUp(SCALE_SPREAD_CONTROL, dispatchBase(), spread, settings.warmup().dividedBy(2));
        measure(SCALE_AFTER_CONTROL, "the same mailbox among " + settings.mailboxes() + " mailboxes, operator heap -Xmx"
            + settings.scaleControlHeap(), dispatchBase(), scale, 1, settings.duration());
        measure(SCALE_SPREAD_CONTROL, "spread over the " + settings.mailboxes() + " mailboxes, operator heap -Xmx"
            + settings.scaleControlHeap(), dispatchBase(), spread, 1, settings.duration());
      }
    }

    results.finished = Instant.now();
    results.runtime = Duration.ofNanos(System.nanoTime() - started);
    if (!settings.complete()) {
      step("partial run (phases " + settings.phases() + "): " + settings.output() + " left unchanged");
      return;
    }
    String report = Report.markdown(results);
    Files.createDirectories(settings.output().getParent());
    Files.writeString(settings.output(), report);
    System.out.println();
    System.out.println(Report.console(results));
    step("wrote " + settings.output());
  }

  // ------------------------------------------------------------------------------------------ set-up

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

  static String scaleNamespace(int i) {
    return String.format("bench-team-%02d", i % TEAM_NAMESPACES);
  }

  private void createBaseObjects() {
    cluster.createNamespace(ADMIN_NAMESPACE);
    cluster.createNamespace(TEAM_NAMESPACE);
    cluster.createNamespace(scaleNamespace(0));
    cluster.create(Resources.secret(ADMIN_NAMESPACE, "receiver-ca", Map.of("ca.crt", receiver.caPem())));
    cluster.create(Resources.secret(ADMIN_NAMESPACE, "receiver-token", Map.of("token", RECEIVER_TOKEN)));
    cluster.create(webhook(FAST_WEBHOOK, "/fast", List.of(
        new NamespacedReference(TEAM_NAMESPACE, "one"),
        new NamespacedReference(TEAM_NAMESPACE, "ten"),
        new NamespacedReference(scaleNamespace(0), scaleMailbox(0)))));
    cluster.create(webhook(SLOW_WEBHOOK, "/slow", List.of(new NamespacedReference(TEAM_NAMESPACE, "slow"))));
    for (String name : List.of("one", "ten", "slow")) {
      cluster.create(Resources.mailbox(TEAM_NAMESPACE, name));
    }
    cluster.create(Resources.mailbox(scaleNamespace(0), scaleMailbox(0)));
    List<MailboxRule> rules = new ArrayList<>();
    rules.addAll(Workload.matchingRules(TEAM_NAMESPACE, "one", 1));
    rules.addAll(Workload.matchingRules(TEAM_NAMESPACE, "ten", 10));
    rules.add(Workload.alwaysTo(TEAM_NAMESPACE, "slow", SLOW_WEBHOOK));
    rules.addAll(Workload.twentyRules(scaleNamespace(0), scaleMailbox(0)));
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

  /** Waits until {@code expectedRules} rules are Ready and the operator's CPU has gone quiet. */
  private Duration awaitSettled(int expectedRules, Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long lastPrint = 0;
    int ready = -1;
    while (System.nanoTime() < deadline) {
      checkAlive();
      ready = cluster.readyRules();
      long cpuBefore = Proc.cpuMillis(operator.pid());
      Thread.sleep(3000);
      double cores = (Proc.cpuMillis(operator.pid()) - cpuBefore) / 3000.0;
      if (ready >= expectedRules && cores < 0.15) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(15)) {
        lastPrint = System.nanoTime();
        System.out.printf("    %d of %d rules Ready, operator busy %.2f cores (%.0f s)%n", ready, expectedRules, cores,
            (System.nanoTime() - start) / 1e9);
      }
    }
    throw new IllegalStateException("only " + ready + " of " + expectedRules + " MailboxRules became Ready within " + timeout);
  }

  private void checkAlive() {
    if (!operator.isAlive()) {
      throw new IllegalStateException("the operator JVM exited; log " + operator.log() + "\n" + ChildJvm.tail(operator.log()));
    }
  }

  private JsonNode post(String url, String body) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + OperatorJvm.DISPATCH_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** One message to each benchmark mailbox: the expected rules match and every delivery succeeds. */
  private void verifyBaseDispatch() throws Exception {
    for (Object[] check : new Object[][] {{"one", 1, 1, 1}, {"ten", 10, 10, 10}, {scaleMailbox(0), 20, 1, 1}}) {
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
      if (rules != (int) check[1] || matched != (int) check[2] || succeeded != (int) check[3]
          || report.path("deliveries").size() != (int) check[3]) {
        throw new IllegalStateException("unexpected dispatch report for " + name + ": " + report);
      }
      String sample = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
      if (name.equals("one")) {
        results.sampleReport = sample;
      }
      System.out.printf("    %s: %d rules, %d matched, %d deliveries succeeded, %d actions, answer %d bytes%n", name, rules,
          matched, succeeded, report.path("actions").size(), JSON.writeValueAsBytes(report).length);
    }
  }

  private void verifyNginx() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + nginx.port() + mailboxPath("one")))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + OperatorJvm.DISPATCH_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(Workload.MESSAGE)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().contains("\"success\"")) {
      throw new IllegalStateException("nginx -> receiver answered " + response.statusCode() + ": " + response.body()
          + "\n" + ChildJvm.tail(settings.workDir().resolve("nginx/error.log")));
    }
    System.out.println("    nginx -> https receiver: HTTP 200, " + response.body());
  }

  // ------------------------------------------------------------------------------------------ scenarios

  /**
   * Load until the operator's JIT has settled (compiling less than 10% of the time over a 5 s
   * slice) or {@code limit} has passed: on 2 busy cores C2 needs a while, and compiler threads
   * compete with the measured work.
   */
  private void warmUp(String key, String base, List<String> paths, Duration limit) throws Exception {
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
      result = wrk.run("warmup-" + key, base, paths, Workload.MESSAGE, OperatorJvm.DISPATCH_TOKEN, slice);
      compiling = (operator.compileMillis() - compileBefore) / ((System.nanoTime() - sliceStart) / 1e6);
      slices++;
    } while (compiling > 0.10 && System.nanoTime() + slice.toNanos() <= deadline);
    System.out.printf(Locale.ROOT, "    warm-up %-28s %8.0f msg/s after %3d s; JIT compiling %.0f%% of the last slice%n", key,
        result.perSecond(), slices * slice.toSeconds(), compiling * 100);
    results.warmups.put(key, String.format(Locale.ROOT, "%d s (JIT compiling %.0f%% of the last 5 s)",
        slices * slice.toSeconds(), compiling * 100));
  }

  private void measure(String key, String title, String base, List<String> paths, int deliveriesPerMessage, Duration duration)
      throws Exception {
    checkAlive();
    Thread.sleep(1000);
    operator.resetPeakThreads();
    long[] gcBefore = operator.gc();
    OperatorJvm.Deliveries before = operator.deliveries();
    Properties receiverBefore = receiver.stats();
    Map<String, Long> threadCpuBefore = Proc.threadCpuMillisByName(operator.pid());
    long classesBefore = operator.classesLoaded();
    long compileBefore = operator.compileMillis();
    long threadsStartedBefore = operator.threadsStarted();
    long[] schedulerBefore = Proc.schedulerTotals(operator.pid());
    meter.begin();
    Wrk.Result result = wrk.run(key, base, paths, Workload.MESSAGE, OperatorJvm.DISPATCH_TOKEN, duration);
    Proc.CpuUsage cpu = meter.end();
    Map<String, Long> threadCpu = Proc.difference(Proc.threadCpuMillisByName(operator.pid()), threadCpuBefore);
    long[] schedulerAfter = Proc.schedulerTotals(operator.pid());
    long[] scheduler = new long[4];
    for (int i = 0; i < 4; i++) {
      scheduler[i] = schedulerAfter[i] - schedulerBefore[i];
    }
    Thread.sleep(500);
    OperatorJvm.Deliveries deliveries = operator.deliveries().minus(before);
    long[] gcAfter = operator.gc();
    Properties receiverAfter = receiver.stats();
    Results.Measurement measurement = new Results.Measurement(key, title, result, cpu, deliveriesPerMessage, deliveries,
        operator.peakThreads(), gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1],
        ReceiverProcess.counter(receiverAfter, "fast") - ReceiverProcess.counter(receiverBefore, "fast"), threadCpu,
        operator.threadsStarted() - threadsStartedBefore, operator.compileMillis() - compileBefore, scheduler);
    results.measurements.put(key, measurement);
    System.out.println("  " + Report.line(measurement));
    if (deliveriesPerMessage > 0) {
      System.out.println("    operator CPU by thread (ms): " + threadCpu + "; threads started " + measurement.threadsStarted()
          + ", classes loaded " + (operator.classesLoaded() - classesBefore) + ", JIT compiling " + measurement.compileMillis() + " ms"
          + String.format(Locale.ROOT, "; user %d ms, system %d ms, context switches per message %.1f voluntary, %.1f involuntary",
          scheduler[0], scheduler[1], scheduler[2] / (double) result.requests(), scheduler[3] / (double) result.requests()));
    }
    if (!measurement.problems().isEmpty()) {
      System.out.println("    PROBLEMS: " + measurement.problems());
    }
  }

  private Results.Slow slow(String label, String address) throws Exception {
    checkAlive();
    SlowDeliveries.Result result = SlowDeliveries.run(label, operator, receiver, meter, address, settings.slowDeliveries(),
        Duration.ofSeconds(1), settings.slowDelay().plusSeconds(90));
    Results.Slow slow = new Results.Slow(result);
    System.out.println("  " + Report.line(slow));
    System.out.println("    CPU ms by process: " + result.cpu().millisByGroup() + " in " + Math.round(result.cpu().seconds()) + " s");
    System.out.println("    operator CPU by thread (ms): " + result.operatorThreadCpu());
    System.out.println("    receiver: " + result.receiverConnectionsOpened() + " connections opened, " + result.receiverRequests()
        + " requests; full GCs " + result.fullGcs() + " (" + result.fullGcMillis() + " ms); failures: "
        + result.failures().stream().limit(3).toList());
    if (result.operatorExit() != null) {
      System.out.println("    " + result.operatorExit());
      restartOperator();
    }
    return slow;
  }

  /**
   * The same throughput and slow-delivery scenarios with another build of the operator (e.g. a
   * prototype of a fix), against the same API server, receiver and nginx.
   */
  private void compare(String nginxBase, List<String> one, List<String> ten) throws Exception {
    String label = settings.compareLabel();
    long start = System.nanoTime();
    replaceOperator(settings.compareJar(), settings.operatorHeap(), "from the compared build, " + label);
    results.compareStartup = Duration.ofNanos(System.nanoTime() - start);
    warmUp(DISPATCH_1 + COMPARED, dispatchBase(), one, settings.warmup());
    warmUp(DISPATCH_10 + COMPARED, dispatchBase(), ten, settings.warmup().dividedBy(2));
    if (settings.runs("throughput")) {
      measure(NGINX + COMPARED, "nginx reverse proxy -> receiver (again, next to " + label + ")", nginxBase, one, 0,
          settings.duration());
      measure(DISPATCH_1 + COMPARED, label + ": dispatch, 1 matching rule", dispatchBase(), one, 1, settings.duration());
      measure(DISPATCH_10 + COMPARED, label + ": dispatch, 10 matching rules", dispatchBase(), ten, 10, settings.duration());
    }
    if (settings.runs("slow")) {
      results.compareSlow.add(slow(label + ", cold: new TLS connections", "slow@insurer.example"));
      results.compareSlow.add(slow(label + ", warm: pooled connections", "slow@insurer.example"));
    }
  }

  /** After the operator JVM died (e.g. OutOfMemoryError): a fresh one, so the other scenarios still run. */
  private void restartOperator() throws Exception {
    replaceOperator(currentJar, currentHeap, "after it died");
    results.operatorRestarts++;
  }

  /** Stops the operator JVM and starts {@code jar} with {@code heap}; waits until it has reconciled everything. */
  private void replaceOperator(Path jar, String heap, String why) throws Exception {
    step("starting a new operator JVM " + why);
    operator.close();
    Path log = operator.log();
    if (Files.exists(log)) {
      Files.move(log, log.resolveSibling(log.getFileName().toString().replace(".log", "") + "-" + (++operatorRestarts) + ".log"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    operator = OperatorJvm.start(jar, cluster.kubeconfig(), settings.workDir(), heap, settings.operatorJavaOptions(), false);
    currentJar = jar;
    currentHeap = heap;
    awaitSettled(expectedRules, settings.settleTimeout());
    verifyBaseDispatch();
  }

  /**
   * The operator JVM records CPU samples from its start (see {@link OperatorJvm}); starting a
   * recording later throws away the JIT's work and profiles a re-warming JVM. This dumps the
   * recording after a window of 1-rule load and summarises the samples of that window.
   */
  private void profile(String base, List<String> paths) throws Exception {
    Path recording = settings.workDir().resolve("operator-dispatch-1-rule.jfr");
    Files.deleteIfExists(recording);
    long compileBefore = operator.compileMillis();
    Instant from = Instant.now();
    Wrk.Result result = wrk.run("profiled-" + DISPATCH_1, base, paths, Workload.MESSAGE, OperatorJvm.DISPATCH_TOKEN,
        settings.profileDuration());
    Instant to = Instant.now();
    long compiled = operator.compileMillis() - compileBefore;
    ChildJvm.run(List.of(ChildJvm.jdkTool("jcmd"), Long.toString(operator.pid()), "JFR.dump", "name=" + OperatorJvm.RECORDING,
        "filename=" + recording), Duration.ofSeconds(120));
    results.profile = JfrSummary.of(recording, from, to);
    results.profileFile = recording;
    results.profiledThroughput = result.perSecond();
    results.profileCompileMillis = compiled;
    System.out.printf(Locale.ROOT, "    %d execution samples while serving %.0f msg/s (JIT compiling %d ms; recording %s)%n",
        results.profile.samples(), result.perSecond(), compiled, recording);
  }

  private void loadMailboxes() throws Exception {
    int count = settings.mailboxes();
    long start = System.nanoTime();
    // The webhook lists every mailbox first (one spec change), so rules are Ready as they arrive.
    Webhook fast = cluster.client().resources(Webhook.class).inNamespace(ADMIN_NAMESPACE).withName(FAST_WEBHOOK).get();
    List<NamespacedReference> listed = new ArrayList<>(fast.getSpec().getMailboxes());
    for (int i = 1; i < count; i++) {
      listed.add(new NamespacedReference(scaleNamespace(i), scaleMailbox(i)));
    }
    fast.getSpec().setMailboxes(listed);
    fast.getMetadata().setManagedFields(null);
    cluster.client().resource(fast).update();
    for (int n = 1; n < Math.min(TEAM_NAMESPACES, count); n++) {
      cluster.createNamespace(scaleNamespace(n));
    }
    List<HasMetadata> mailboxes = new ArrayList<>();
    List<HasMetadata> rules = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      Mailbox mailbox = Resources.mailbox(scaleNamespace(i), scaleMailbox(i));
      mailboxes.add(mailbox);
      rules.addAll(Workload.twentyRules(scaleNamespace(i), scaleMailbox(i)));
    }
    Duration mailboxTime = cluster.createAll(mailboxes, 8, Duration.ofMinutes(10));
    System.out.printf("    created %d mailboxes in %.1f s%n", mailboxes.size(), mailboxTime.toMillis() / 1000.0);
    Duration ruleTime = cluster.createAll(rules, 8, Duration.ofMinutes(30));
    System.out.printf("    created %d rules in %.1f s%n", rules.size(), ruleTime.toMillis() / 1000.0);
    int expected = 32 + rules.size();
    expectedRules = expected;
    Duration settle = awaitSettled(expected, settings.settleTimeout());
    results.loadedMailboxes = count + 3;
    results.loadedRules = expected;
    results.loadTime = Duration.ofNanos(System.nanoTime() - start);
    results.liveHeapAfterLoadBytes = operator.liveHeapBytes();
    results.operatorHeapMaxBytes = operator.heapMaxBytes();
    MailboxRule sample = cluster.client().resources(MailboxRule.class).inNamespace(scaleNamespace(1))
        .withName(scaleMailbox(1) + "-claims").get();
    if (sample != null) {
      results.sampleRuleJsonBytes = JSON.writeValueAsBytes(sample).length;
      var managed = sample.getMetadata().getManagedFields();
      results.sampleRuleManagedFieldsBytes = managed == null ? 0 : JSON.writeValueAsBytes(managed).length;
      results.sampleRuleManagers = managed == null ? List.of()
          : managed.stream().map(m -> m.getManager() + " (" + m.getOperation()
              + (m.getSubresource() == null ? "" : ", " + m.getSubresource()) + ")").toList();
    }
    results.settleTime = settle;
    System.out.printf("    %d mailboxes and %d rules loaded and reconciled in %.0f s; operator heap live after a full GC %d MiB"
            + " (%d MiB before loading)%n", results.loadedMailboxes, expected, results.loadTime.toMillis() / 1000.0,
        results.liveHeapAfterLoadBytes >> 20, results.liveHeapBaseBytes >> 20);
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
