package com.emailgistics.webhooks.benchmark;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Condenses a JFR recording of the operator (jdk.ExecutionSample: threads running Java code) into
 * where its CPU goes: by code area of the sampled frame (self time), by operator method anywhere
 * on the stack (inclusive), by hottest method and by thread.
 */
final class JfrSummary {
  record Summary(long samples, Map<String, Long> selfByArea, Map<String, Long> inclusiveOperator,
      Map<String, Long> topSelfMethods, Map<String, Long> byThread, Map<String, Long> inclusiveMarkers,
      long threadStarts) {}

  /** JDK/library methods worth seeing inclusively (each counted once per sample). */
  private static final Map<String, String> MARKERS = new LinkedHashMap<>();

  static {
    MARKERS.put("sun.security.ssl.SSLEngineImpl.wrap", "TLS encrypt (SSLEngine.wrap)");
    MARKERS.put("sun.security.ssl.SSLEngineImpl.unwrap", "TLS decrypt (SSLEngine.unwrap)");
    MARKERS.put("sun.net.httpserver.ServerImpl$Exchange.run", "JDK HttpServer exchange (request parsing, handler)");
    MARKERS.put("sun.net.httpserver.ServerImpl$Dispatcher.run", "JDK HttpServer dispatcher thread");
    MARKERS.put("jdk.internal.net.http.HttpClientImpl$SelectorManager.run", "JDK HttpClient selector thread");
    MARKERS.put("jdk.internal.net.http.HttpClientImpl.sendAsync", "JDK HttpClient sendAsync (request set-up)");
    MARKERS.put("jdk.internal.net.http.common.SSLFlowDelegate", "JDK HttpClient TLS flow (SSLFlowDelegate)");
    MARKERS.put("com.fasterxml.jackson", "Jackson (any)");
    MARKERS.put("java.util.regex", "regular expressions (any)");
    MARKERS.put("io.micrometer", "Micrometer (any)");
    MARKERS.put("java.security.cert.CertificateFactory.generateCertificates", "X.509 parsing (CertificateFactory)");
  }

  private JfrSummary() {}

  /** Samples taken between {@code from} and {@code to} only. */
  static Summary of(Path recording, java.time.Instant from, java.time.Instant to) throws Exception {
    long samples = 0;
    long threadStarts = 0;
    Map<String, Long> byArea = new TreeMap<>();
    Map<String, Long> inclusive = new TreeMap<>();
    Map<String, Long> self = new TreeMap<>();
    Map<String, Long> threads = new TreeMap<>();
    Map<String, Long> markers = new LinkedHashMap<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (event.getEventType().getName().equals("jdk.ThreadStart")
          && !event.getStartTime().isBefore(from) && !event.getStartTime().isAfter(to)) {
        threadStarts++;
      }
      if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
          || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
        continue;
      }
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      samples++;
      String top = name(frames.get(0).getMethod());
      byArea.merge(area(top), 1L, Long::sum);
      self.merge(top, 1L, Long::sum);
      String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
      threads.merge(thread == null ? "?" : thread.replaceAll("\\d+", "N"), 1L, Long::sum);
      Set<String> seen = new HashSet<>();
      Set<String> seenMarkers = new HashSet<>();
      for (RecordedFrame frame : frames) {
        String method = name(frame.getMethod());
        if (method.startsWith("com.emailgistics.") && seen.add(method)) {
          inclusive.merge(method.substring("com.emailgistics.webhooks.".length()), 1L, Long::sum);
        }
        for (Map.Entry<String, String> marker : MARKERS.entrySet()) {
          if (method.startsWith(marker.getKey()) && seenMarkers.add(marker.getValue())) {
            markers.merge(marker.getValue(), 1L, Long::sum);
          }
        }
      }
    }
    return new Summary(samples, sortDescending(byArea, 20), sortDescending(inclusive, 30), sortDescending(self, 25),
        sortDescending(threads, 15), sortDescending(markers, 20), threadStarts);
  }

  private static String name(RecordedMethod method) {
    return method == null ? "?" : method.getType().getName() + "." + method.getName();
  }

  static String area(String method) {
    if (method.startsWith("sun.security.") || method.startsWith("javax.crypto.") || method.startsWith("com.sun.crypto.")
        || method.startsWith("java.security.") || method.startsWith("javax.net.ssl.")) {
      return "TLS and crypto (sun.security, javax.crypto)";
    }
    if (method.startsWith("jdk.internal.net.http.")) {
      return "JDK HttpClient (jdk.internal.net.http)";
    }
    if (method.startsWith("sun.net.httpserver.") || method.startsWith("com.sun.net.httpserver.")) {
      return "JDK HttpServer (sun.net.httpserver)";
    }
    if (method.startsWith("com.fasterxml.jackson.")) {
      return "Jackson JSON";
    }
    if (method.startsWith("java.util.regex.")) {
      return "regular expressions";
    }
    if (method.startsWith("com.emailgistics.")) {
      return "operator code (com.emailgistics)";
    }
    if (method.startsWith("io.micrometer.")) {
      return "Micrometer";
    }
    if (method.startsWith("io.fabric8.") || method.startsWith("io.javaoperatorsdk.")) {
      return "fabric8 / JOSDK";
    }
    if (method.startsWith("sun.nio.") || method.startsWith("java.nio.") || method.startsWith("java.net.")
        || method.startsWith("sun.net.")) {
      return "NIO, sockets, java.net";
    }
    if (method.startsWith("java.util.concurrent.")) {
      return "java.util.concurrent (futures, executors, locks)";
    }
    if (method.startsWith("java.lang.String") || method.startsWith("java.lang.StringLatin1")
        || method.startsWith("java.lang.AbstractStringBuilder") || method.startsWith("java.lang.StringBuilder")) {
      return "strings";
    }
    if (method.startsWith("java.") || method.startsWith("jdk.") || method.startsWith("sun.")) {
      return "other JDK";
    }
    return "other libraries";
  }

  private static Map<String, Long> sortDescending(Map<String, Long> counts, int limit) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }
}
