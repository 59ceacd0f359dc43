package com.emailgistics.webhooks.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-api-test's {@link KubeAPIServer} plus a restart of the kube-apiserver process alone, with
 * etcd (and so every object and resourceVersion) kept.
 *
 * <p>kube-api-test 7.5.2 has no such operation: {@code KubeAPIServer} only offers {@code start()}
 * and {@code stop()}, and {@code stop()} kills etcd and deletes its data directories. Its {@code
 * KubeAPIServerProcess} would pick a new random port on every start (clients would have to be
 * rebuilt), and the process' exit handler calls {@link #processStopped}, which by default stops
 * everything. So the restart here: reads the running kube-apiserver's exact command line from
 * {@code /proc/<pid>/cmdline} (same port, same etcd, same certificates), marks the process' exit as
 * expected (overriding {@link #processStopped}), kills it and starts the same command again.
 */
public final class RestartableKubeApiServer extends KubeAPIServer {
  private static final Logger LOG = LoggerFactory.getLogger(RestartableKubeApiServer.class);

  private final Path logDir;
  private final Set<Long> expectedExits = ConcurrentHashMap.newKeySet();
  private volatile Process replacement;
  private final java.util.concurrent.atomic.AtomicBoolean stopped =
      new java.util.concurrent.atomic.AtomicBoolean();
  private int restarts;

  public RestartableKubeApiServer(KubeAPIServerConfig config, Path logDir) {
    super(config);
    this.logDir = logDir;
  }

  /**
   * Kills kube-apiserver (SIGKILL, like a crash; etcd keeps running) and starts it again on the
   * same port. Returns once the new process has been started, not once it is ready: callers decide
   * what to check while it comes up and wait with a readiness probe of its own.
   *
   * @param downtime how long to leave the API server down before starting it again
   */
  public synchronized ProcessHandle killAndRestartApiServer(Duration downtime)
      throws IOException, InterruptedException {
    ProcessHandle running = apiServerProcess();
    List<String> command = commandLine(running.pid());
    expectedExits.add(running.pid());
    LOG.info("Killing kube-apiserver (pid {}) for a restart; etcd keeps running", running.pid());
    running.destroyForcibly();
    try {
      running.onExit().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("kube-apiserver did not exit after SIGKILL", e);
    }
    Thread.sleep(downtime.toMillis());
    Files.createDirectories(logDir);
    Path log = logDir.resolve("kube-apiserver-restart-" + (++restarts) + ".log");
    replacement =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LOG.info("Started kube-apiserver again (pid {}), output in {}", replacement.pid(), log);
    return replacement.toHandle();
  }

  /** The kube-apiserver process currently serving (kube-api-test's, or the one restarted here). */
  public ProcessHandle apiServerProcess() {
    Process current = replacement;
    if (current != null) {
      return current.toHandle();
    }
    return ProcessHandle.current()
        .children()
        .filter(
            process ->
                process.info().command().map(c -> c.endsWith("/kube-apiserver")).orElse(false))
        .filter(ProcessHandle::isAlive)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no kube-apiserver child process found"));
  }

  /** The process' arguments, NUL-separated in /proc (ProcessHandle.Info may truncate them). */
  private static List<String> commandLine(long pid) throws IOException {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
    List<String> args = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (args.isEmpty() || !args.get(0).endsWith("kube-apiserver")) {
      throw new IllegalStateException("unexpected kube-apiserver command line: " + args);
    }
    return args;
  }

  @Override
  public void processStopped(Process process) {
    if (expectedExits.contains(process.pid())) {
      return;
    }
    super.processStopped(process);
  }

  /** Idempotent (also called from a shutdown hook). */
  @Override
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    Process current = replacement;
    if (current != null) {
      current.destroyForcibly();
      try {
        current.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    super.stop();
  }
}
