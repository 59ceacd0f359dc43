package com.emailgistics.webhooks.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Helpers for the processes the benchmark starts (receiver JVM, operator JVM, nginx, wrk). */
final class ChildJvm {
  private ChildJvm() {}

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  /** The jar (or classes directory) this class was loaded from. */
  static String ownClassPath() {
    try {
      return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(key -> key.startsWith("EMAILGISTICS_") || key.startsWith("KUBE_API_TEST"));
    builder.environment().putAll(env);
    return builder.start();
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static void awaitPort(int port, Process process, Duration timeout, Path log)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "process exited with " + process.exitValue() + "; see " + log + "\n" + tail(log));
      }
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(
        "nothing listens on 127.0.0.1:" + port + " after " + timeout + "; see " + log);
  }

  static Properties awaitProperties(Path file, Process process, Duration timeout, Path log)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "process exited with " + process.exitValue() + "; see " + log + "\n" + tail(log));
      }
      if (Files.exists(file)) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
          properties.load(in);
        }
        return properties;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(file + " not written after " + timeout + "; see " + log);
  }

  /** SIGTERM, then SIGKILL after a grace period; waits (bounded) for the exit. */
  static void stop(Process process, Duration grace) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Runs a short command to completion (bounded in time); returns its output. */
  static String run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("bench-command", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "command did not finish within " + timeout + ": " + command);
      }
      return Files.readString(output);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(
          "\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 30), lines.size())));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
