package com.emailgistics.webhooks.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's runnable jar in its own JVM, configured by environment variables exactly as the
 * Helm chart's Deployment configures it ({@code java -jar}, {@code OperatorMain}, KUBECONFIG). Used
 * where a test must kill the operator (SIGKILL: a crash, or a pod deleted without grace) or where
 * the operator may legitimately exit (a lost leader lease ends the JVM) without taking the test JVM
 * with it.
 */
public final class OperatorProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorProcess.class);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Every operator JVM started, killed when the test JVM ends so none outlives it. */
  private static final java.util.Set<Process> STARTED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> STARTED.stream().filter(Process::isAlive).forEach(Process::destroyForcibly),
                "e2e-kill-operators"));
  }

  private final String identity;
  private final Process process;
  private final int healthPort;
  private final int dispatchPort;
  private final Path log;

  private OperatorProcess(
      String identity, Process process, int healthPort, int dispatchPort, Path log) {
    this.identity = identity;
    this.process = process;
    this.healthPort = healthPort;
    this.dispatchPort = dispatchPort;
    this.log = log;
  }

  /**
   * Starts the operator and waits until /readyz answers 200 (every informer synced).
   *
   * @param identity the pod name: HOSTNAME, which JOSDK uses as the leader-election identity
   * @param env the operator's EMAILGISTICS_* configuration
   */
  public static OperatorProcess start(
      E2eCluster cluster, String identity, Map<String, String> env) {
    OperatorProcess operator = launch(cluster.kubeConfigFile(), identity, env);
    operator.awaitReady(Duration.ofSeconds(90));
    return operator;
  }

  /** Starts the operator without waiting for anything (for start-ups meant to fail). */
  public static OperatorProcess launch(Path kubeconfig, String identity, Map<String, String> env) {
    try {
      int port = freePort();
      int dispatchPort = freePort();
      Path logDir = Paths.workDir().resolve("logs");
      Files.createDirectories(logDir);
      Path log = logDir.resolve("operator-" + identity + "-" + System.currentTimeMillis() + ".log");
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  // Start-up speed on a 2-core machine; no effect on behaviour.
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-Xmx256m",
                  "-jar",
                  Paths.operatorJar().toString()));
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> environment = builder.environment();
      environment
          .keySet()
          .removeIf(key -> key.startsWith("EMAILGISTICS_") || key.startsWith("KUBERNETES_"));
      environment.put("KUBECONFIG", kubeconfig.toString());
      environment.put("HOSTNAME", identity);
      environment.put("EMAILGISTICS_HEALTH_PORT", Integer.toString(port));
      environment.put("EMAILGISTICS_DISPATCH_PORT", Integer.toString(dispatchPort));
      environment.putAll(env);
      Process process = builder.start();
      STARTED.add(process);
      LOG.info("Started operator process {} (pid {}), log {}", identity, process.pid(), log);
      return new OperatorProcess(identity, process, port, dispatchPort, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "operator "
                + identity
                + " exited with "
                + process.exitValue()
                + " while starting; log "
                + log
                + ":\n"
                + logTail());
      }
      if (probe("/readyz") == 200) {
        return;
      }
      sleep(200);
    }
    throw new IllegalStateException(
        "operator "
            + identity
            + " not ready after "
            + timeout
            + "; log "
            + log
            + ":\n"
            + logTail());
  }

  /** HTTP status of a health endpoint, or -1 when it does not answer. */
  public int probe(String path) {
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

  /** http://127.0.0.1:port of the dispatch endpoint. */
  public String dispatchUrl() {
    return "http://127.0.0.1:" + dispatchPort;
  }

  public String identity() {
    return identity;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Process process() {
    return process;
  }

  /** SIGTERM, as the kubelet sends it: the operator drains dispatch, then exits. */
  public void terminate() {
    process.destroy();
    LOG.info("Sent SIGTERM to operator process {}", identity);
  }

  /** Waits for the process to end; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "operator " + identity + " still running after " + timeout + "; log:\n" + logTail());
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook runs, the lease is not released, an in-flight request is cut off. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("operator " + identity + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("Killed operator process {}", identity);
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  public String logTail() {
    String all = log();
    return all.length() <= 6000 ? all : all.substring(all.length() - 6000);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  /** A port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
