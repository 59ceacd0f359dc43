package com.emailgistics.webhooks.benchmark;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The operator under test: its runnable jar ({@code OperatorMain}, as in production) in its own
 * JVM, configured by environment variables, against the benchmark's API server. Its threads are
 * read over JMX (ThreadMXBean) and from /proc; its metrics from /metrics on the health port.
 */
final class OperatorJvm implements AutoCloseable {
  static final String DISPATCH_TOKEN = "Bench-dispatch-T0ken!2026";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int dispatchPort;
  private final int healthPort;
  private final Path log;
  private final List<String> jvmOptions;
  private final JMXConnector jmx;
  private final ThreadMXBean threads;
  private final MemoryMXBean memory;
  private final List<GarbageCollectorMXBean> collectors;
  private final java.lang.management.ClassLoadingMXBean classes;
  private final java.lang.management.CompilationMXBean compilation;

  private OperatorJvm(
      Process process,
      int dispatchPort,
      int healthPort,
      Path log,
      List<String> jvmOptions,
      JMXConnector jmx)
      throws IOException, javax.management.JMException {
    this.process = process;
    this.dispatchPort = dispatchPort;
    this.healthPort = healthPort;
    this.log = log;
    this.jvmOptions = jvmOptions;
    this.jmx = jmx;
    MBeanServerConnection connection = jmx.getMBeanServerConnection();
    this.threads =
        ManagementFactory.newPlatformMXBeanProxy(
            connection, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
    this.memory =
        ManagementFactory.newPlatformMXBeanProxy(
            connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    List<GarbageCollectorMXBean> gcs = new ArrayList<>();
    for (ObjectName name :
        connection.queryNames(
            new ObjectName(ManagementFactory.GARBAGE_COLLECTOR_MXBEAN_DOMAIN_TYPE + ",*"), null)) {
      gcs.add(
          ManagementFactory.newPlatformMXBeanProxy(
              connection, name.toString(), GarbageCollectorMXBean.class));
    }
    this.collectors = gcs;
    this.classes =
        ManagementFactory.newPlatformMXBeanProxy(
            connection,
            ManagementFactory.CLASS_LOADING_MXBEAN_NAME,
            java.lang.management.ClassLoadingMXBean.class);
    this.compilation =
        ManagementFactory.newPlatformMXBeanProxy(
            connection,
            ManagementFactory.COMPILATION_MXBEAN_NAME,
            java.lang.management.CompilationMXBean.class);
  }

  /** Threads started since the JVM started. */
  long threadsStarted() {
    return threads.getTotalStartedThreadCount();
  }

  /** Classes loaded since start (hidden classes of lambdas and method handles included). */
  long classesLoaded() {
    return classes.getTotalLoadedClassCount();
  }

  /** Time the JIT compilers spent compiling since start, in ms. */
  long compileMillis() {
    return compilation.getTotalCompilationTime();
  }

  /**
   * @param heap the -Xmx value; the Helm chart gives the container 512Mi and the JVM 75% of it
   * @param settings EMAILGISTICS_* settings beyond the benchmark's own (e.g. smaller limits)
   */
  static OperatorJvm start(
      Path operatorJar,
      Path kubeconfig,
      Path workDir,
      String heap,
      List<String> extraOptions,
      Map<String, String> settings)
      throws Exception {
    int dispatchPort = ChildJvm.freePort();
    int healthPort = ChildJvm.freePort();
    int jmxPort = ChildJvm.freePort();
    Files.createDirectories(workDir);
    Path token = workDir.resolve("dispatch-token");
    Files.writeString(token, DISPATCH_TOKEN + "\n");
    Path log = workDir.resolve("operator.log");
    List<String> jvmOptions =
        new ArrayList<>(List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"));
    jvmOptions.addAll(extraOptions);
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.javaBinary());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            // JMX on loopback, for ThreadMXBean readings (adds a few RMI threads, reported
            // separately).
            "-Dcom.sun.management.jmxremote.port=" + jmxPort,
            "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
            "-Dcom.sun.management.jmxremote.host=127.0.0.1",
            "-Djava.rmi.server.hostname=127.0.0.1",
            "-Dcom.sun.management.jmxremote.authenticate=false",
            "-Dcom.sun.management.jmxremote.ssl=false",
            "-jar",
            operatorJar.toString()));
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "KUBECONFIG", kubeconfig.toString(),
                "HOSTNAME", "bench-operator",
                "EMAILGISTICS_WEBHOOKS_ENABLED", "true",
                "EMAILGISTICS_DISPATCH_PORT", Integer.toString(dispatchPort),
                "EMAILGISTICS_HEALTH_PORT", Integer.toString(healthPort),
                "EMAILGISTICS_DISPATCH_TOKEN_FILE", token.toString(),
                "EMAILGISTICS_LOG_FORMAT", "plain"));
    env.putAll(settings);
    Process process = ChildJvm.start(command, env, log);
    ChildJvm.awaitPort(jmxPort, process, Duration.ofSeconds(60), log);
    JMXConnector jmx =
        JMXConnectorFactory.connect(
            new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"));
    OperatorJvm operator = new OperatorJvm(process, dispatchPort, healthPort, log, jvmOptions, jmx);
    operator.awaitReady(Duration.ofSeconds(120));
    return operator;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the operator exited with "
                + process.exitValue()
                + "; log "
                + log
                + "\n"
                + ChildJvm.tail(log));
      }
      if (probe("/readyz") == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the operator is not ready after " + timeout + "; log " + log);
  }

  /** HTTP status of a health endpoint, -1 when it does not answer within 2 s. */
  int probe(String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int dispatchPort() {
    return dispatchPort;
  }

  Path log() {
    return log;
  }

  List<String> jvmOptions() {
    return jvmOptions;
  }

  String dispatchUrl(String path) {
    return "http://127.0.0.1:" + dispatchPort + path;
  }

  /** The Prometheus text of /metrics. */
  String metrics() throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Sum of a metric's samples whose labels contain every given {@code label="value"} fragment. */
  static double metric(String metrics, String name, String... labelFragments) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String fragment : labelFragments) {
        all &= line.contains(fragment);
      }
      if (all) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** Deliveries by outcome since the operator started (all webhooks). */
  Deliveries deliveries() throws IOException, InterruptedException {
    String text = metrics();
    return new Deliveries(
        (long) metric(text, "emailgistics_deliveries_total", "outcome=\"Succeeded\""),
        (long)
            (metric(text, "emailgistics_deliveries_total")
                - metric(text, "emailgistics_deliveries_total", "outcome=\"Succeeded\"")),
        (long) metric(text, "emailgistics_delivery_attempts_total"));
  }

  record Deliveries(long succeeded, long notSucceeded, long attempts) {
    Deliveries minus(Deliveries before) {
      return new Deliveries(
          succeeded - before.succeeded,
          notSucceeded - before.notSucceeded,
          attempts - before.attempts);
    }
  }

  int inFlightDeliveries() {
    try {
      return (int) metric(metrics(), "emailgistics_deliveries_in_flight");
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** JVM threads now (ThreadMXBean, live Java threads including daemons). */
  int liveThreads() {
    return threads.getThreadCount();
  }

  int peakThreads() {
    return threads.getPeakThreadCount();
  }

  void resetPeakThreads() {
    threads.resetPeakThreadCount();
  }

  /** Kernel threads of the process: Java threads plus GC, JIT compiler and other VM threads. */
  int osThreads() {
    return Proc.threads(process.pid());
  }

  /** Live Java threads grouped by name with trailing numbers removed, largest groups first. */
  Map<String, Integer> threadsByName() {
    Map<String, Integer> byName = new TreeMap<>();
    for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
      if (info == null) {
        continue;
      }
      String name = info.getThreadName().replaceAll("\\d+", "N");
      byName.merge(name, 1, Integer::sum);
    }
    return byName;
  }

  /** Heap in use right after a full collection (System.gc() in the operator JVM): its live data. */
  long liveHeapBytes() {
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  long heapMaxBytes() {
    return memory.getHeapMemoryUsage().getMax();
  }

  long heapUsedBytes() {
    return memory.getHeapMemoryUsage().getUsed();
  }

  /**
   * Count and time (ms) of the collections that stop the whole heap (G1 "Old Generation": full
   * GCs).
   */
  long[] fullGc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean collector : collectors) {
      if (collector.getName().contains("Old") || collector.getName().contains("MarkSweep")) {
        count += Math.max(0, collector.getCollectionCount());
        millis += Math.max(0, collector.getCollectionTime());
      }
    }
    return new long[] {count, millis};
  }

  /** Total GC count and time (ms) so far, all collectors. */
  long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean collector : collectors) {
      count += Math.max(0, collector.getCollectionCount());
      millis += Math.max(0, collector.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /** SIGTERM, as the kubelet sends it; returns at once. */
  void terminate() {
    process.destroy();
  }

  /** Waits for the process to end; its exit code, or -1 when it did not end in time. */
  int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        ? process.exitValue()
        : -1;
  }

  /** Messages being dispatched (the operator's gauge). */
  int messagesInFlight() {
    try {
      return (int) metric(metrics(), "emailgistics_messages_in_flight");
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public void close() {
    try {
      jmx.close();
    } catch (IOException ignored) {
      // the process goes away next
    }
    ChildJvm.stop(process, Duration.ofSeconds(15));
  }
}
