package com.emailgistics.webhooks.benchmark;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The {@link Receiver} in its own JVM, seen from the benchmark. */
final class ReceiverProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final int adminPort;
  private final String caPem;
  private final Path caFile;
  private final List<String> jvmOptions;

  private ReceiverProcess(
      Process process, int port, int adminPort, Path caFile, List<String> jvmOptions)
      throws IOException {
    this.process = process;
    this.port = port;
    this.adminPort = adminPort;
    this.caFile = caFile;
    this.caPem = Files.readString(caFile);
    this.jvmOptions = jvmOptions;
  }

  static ReceiverProcess start(Path workDir, int eventLoops, Duration slowDelay) throws Exception {
    Path dir = workDir.resolve("receiver");
    Files.createDirectories(dir);
    Path log = dir.resolve("receiver.log");
    List<String> jvmOptions =
        List.of(
            "-Xmx1g", "-XX:+UseParallelGC", "-Dlogback.configurationFile=logback-benchmark.xml");
    List<String> command = new java.util.ArrayList<>();
    command.add(ChildJvm.javaBinary());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            ChildJvm.ownClassPath(),
            Receiver.class.getName(),
            dir.toString(),
            Integer.toString(eventLoops),
            Long.toString(slowDelay.toMillis())));
    Process process = ChildJvm.start(command, Map.of(), log);
    Properties properties =
        ChildJvm.awaitProperties(
            dir.resolve("receiver.properties"), process, Duration.ofSeconds(60), log);
    return new ReceiverProcess(
        process,
        Integer.parseInt(properties.getProperty("port")),
        Integer.parseInt(properties.getProperty("adminPort")),
        dir.resolve("receiver-ca.pem"),
        jvmOptions);
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  String caPem() {
    return caPem;
  }

  Path caFile() {
    return caFile;
  }

  List<String> jvmOptions() {
    return jvmOptions;
  }

  String url(String path) {
    return "https://127.0.0.1:" + port + path;
  }

  /** Counters: fast, slow, other, slowInFlight, slowInFlightPeak, connections... */
  Properties stats() {
    return admin("/stats");
  }

  /** Resets the peaks to the current values and returns the counters. */
  Properties resetPeaks() {
    return admin("/reset");
  }

  private Properties admin(String path) {
    Properties properties = new Properties();
    try {
      String body =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      properties.load(new StringReader(body));
    } catch (IOException e) {
      // counters unavailable: callers see zeros
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return properties;
  }

  static long counter(Properties stats, String name) {
    return Long.parseLong(stats.getProperty(name, "0"));
  }

  @Override
  public void close() {
    ChildJvm.stop(process, Duration.ofSeconds(10));
  }
}
