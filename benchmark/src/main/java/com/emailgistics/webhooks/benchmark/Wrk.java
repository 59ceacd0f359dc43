package com.emailgistics.webhooks.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The load generator: wrk (Debian package), closed loop: a fixed number of keep-alive connections
 * on one thread, each sending its next request as soon as the previous answer arrived. A Lua script
 * sends POSTs with the JSON message and the bearer token, rotating through the given paths, and
 * prints the figures as one JSON line.
 */
final class Wrk {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path workDir;
  private final int connections;

  Wrk(Path workDir, int connections) {
    this.workDir = workDir;
    this.connections = connections;
  }

  /** Figures of one run; latencies in microseconds. */
  record Result(
      String label,
      long requests,
      double seconds,
      long errors,
      long non2xx,
      long timeouts,
      double p50,
      double p75,
      double p90,
      double p95,
      double p99,
      double p999,
      double max,
      double mean,
      int connections) {
    double perSecond() {
      return requests / seconds;
    }

    /** p50, p75, p90, p95, p99, p99.9 in microseconds. */
    double[] percentiles() {
      return new double[] {p50, p75, p90, p95, p99, p999};
    }
  }

  int connections() {
    return connections;
  }

  static String version() {
    try {
      return ChildJvm.run(List.of("wrk", "-v"), Duration.ofSeconds(10))
          .lines()
          .findFirst()
          .orElse("wrk")
          .trim();
    } catch (Exception e) {
      return "wrk (version unknown)";
    }
  }

  Result run(
      String label,
      String baseUrl,
      List<String> paths,
      String body,
      String token,
      Duration duration)
      throws Exception {
    Path script = workDir.resolve("wrk-" + label.replaceAll("[^a-zA-Z0-9]+", "-") + ".lua");
    Files.writeString(script, lua(paths, body, token));
    List<String> command =
        List.of(
            "wrk",
            "-t1",
            "-c" + connections,
            "-d" + duration.toSeconds() + "s",
            "--timeout",
            "30s",
            "-s",
            script.toString(),
            baseUrl);
    Path out = workDir.resolve("wrk-" + label.replaceAll("[^a-zA-Z0-9]+", "-") + ".out");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("wrk did not finish: " + command);
    }
    String output = Files.readString(out);
    String line =
        output
            .lines()
            .filter(l -> l.startsWith("BENCH_JSON "))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + output));
    JsonNode json = JSON.readTree(line.substring("BENCH_JSON ".length()));
    return new Result(
        label,
        json.get("requests").asLong(),
        json.get("duration_us").asDouble() / 1e6,
        json.get("errors").asLong(),
        json.get("status").asLong(),
        json.get("timeout").asLong(),
        json.get("p50").asDouble(),
        json.get("p75").asDouble(),
        json.get("p90").asDouble(),
        json.get("p95").asDouble(),
        json.get("p99").asDouble(),
        json.get("p999").asDouble(),
        json.get("max").asDouble(),
        json.get("mean").asDouble(),
        connections);
  }

  private static String lua(List<String> paths, String body, String token) {
    String pathList = paths.stream().map(p -> "  \"" + p + "\"").collect(Collectors.joining(",\n"));
    return """
        -- Written by the Emailgistics benchmark.
        local paths = {
        %s
        }
        local body = [==[%s]==]
        local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}
        local requests = {}
        local next_index = 0

        function init(args)
          for i, path in ipairs(paths) do
            requests[i] = wrk.format("POST", path, headers, body)
          end
        end

        function request()
          next_index = next_index %% #requests + 1
          return requests[next_index]
        end

        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format(
            "BENCH_JSON {\\"requests\\":%%d,\\"duration_us\\":%%d,\\"errors\\":%%d,\\"status\\":%%d,\\"timeout\\":%%d," ..
            "\\"p50\\":%%d,\\"p75\\":%%d,\\"p90\\":%%d,\\"p95\\":%%d,\\"p99\\":%%d,\\"p999\\":%%d," ..
            "\\"max\\":%%d,\\"mean\\":%%.1f}\\n",
            summary.requests, summary.duration, e.connect + e.read + e.write, e.status, e.timeout,
            latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(95),
            latency:percentile(99), latency:percentile(99.9),
            latency.max, latency.mean))
        end
        """
        .formatted(pathList, body, token);
  }
}
