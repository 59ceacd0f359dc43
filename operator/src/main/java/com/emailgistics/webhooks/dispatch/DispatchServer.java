package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.message.Message;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP dispatch endpoint (OpenAPI description: docs/dispatch-openapi.yaml, also served at
 * /openapi.yaml). Handlers only parse and validate; the dispatch itself continues asynchronously
 * and answers when the last delivery is done, so slow webhooks hold no server thread. Every
 * error is a JSON body {"error": "..."} with a 4xx status; bad input never yields a 500.
 */
public final class DispatchServer implements AutoCloseable {
  static final String OPENAPI_RESOURCE = "/dispatch-openapi.yaml";
  private static final Logger LOG = LoggerFactory.getLogger(DispatchServer.class);
  private static final Pattern MAILBOX_MESSAGES = Pattern.compile("^/v1/mailboxes/([^/]+)/messages$");
  private static final Pattern RULE_MESSAGES = Pattern.compile("^/v1/rules/([^/]+)/([^/]+)/messages$");
  private static final Pattern WEBHOOK_DELIVERIES = Pattern.compile("^/v1/webhooks/([^/]+)/([^/]+)/deliveries$");
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final HttpServer server;
  private final DispatchService service;
  private final DeliveryRecorder recorder;
  private final DispatchToken token;
  private final MessageParser parser;
  private final int maxBodyBytes;

  /**
   * Settings of the JDK HTTP server, which it reads once per JVM: request read time, header count
   * and size, and TCP_NODELAY (without it, Nagle's algorithm and the client's delayed ACK add about
   * 40 ms to every answer on a kept-alive connection).
   */
  public static void applyServerLimits(Duration readTimeout) {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(Math.max(1, readTimeout.toSeconds())));
    System.setProperty("sun.net.httpserver.maxReqHeaders", "100");
    System.setProperty("sun.net.httpserver.maxReqHeaderSize", Integer.toString(64 * 1024));
  }

  public DispatchServer(int port, DispatchService service, DeliveryRecorder recorder, DispatchToken token,
      int maxBodyBytes, ExecutorService handlers, Clock clock) throws IOException {
    this.service = service;
    this.recorder = recorder;
    this.token = token;
    this.parser = new MessageParser(clock);
    this.maxBodyBytes = maxBodyBytes;
    this.server = HttpServer.create(new InetSocketAddress(port), 1024);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) {
    try {
      route(exchange);
    } catch (DispatchException e) {
      respond(exchange, e.status(), Map.of("error", e.getMessage()));
    } catch (RuntimeException | IOException e) {
      LOG.error("Dispatch request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
      respond(exchange, 500, Map.of("error", "internal error; see the operator log"));
    }
  }

  private void route(HttpExchange exchange) throws DispatchException, IOException {
    String path = exchange.getRequestURI().getRawPath();
    String method = exchange.getRequestMethod();
    if (path.equals("/openapi.yaml")) {
      requireMethod(method, "GET");
      serveOpenApi(exchange);
      return;
    }
    Matcher mailbox = MAILBOX_MESSAGES.matcher(path);
    Matcher rule = RULE_MESSAGES.matcher(path);
    Matcher history = WEBHOOK_DELIVERIES.matcher(path);
    if (!mailbox.matches() && !rule.matches() && !history.matches()) {
      throw new DispatchException(404, "no such endpoint: " + path + " (see /openapi.yaml)");
    }
    authenticate(exchange);
    if (history.matches()) {
      requireMethod(method, "GET");
      respond(exchange, 200, Map.of("webhook", decode(history.group(1)) + "/" + decode(history.group(2)),
          "deliveries", recorder.history(decode(history.group(1)), decode(history.group(2)))));
      return;
    }
    requireMethod(method, "POST");
    Message message = parser.parse(readJson(exchange));
    CompletableFuture<DispatchReport> report;
    if (mailbox.matches()) {
      String address = decode(mailbox.group(1));
      if (message.mailbox() != null && !message.mailbox().equalsIgnoreCase(address)) {
        throw new DispatchException(400, "field 'mailbox' (" + message.mailbox() + ") differs from the address in the path (" + address + ")");
      }
      report = service.dispatchToMailbox(address, message);
    } else {
      report = service.dispatchToRule(decode(rule.group(1)), decode(rule.group(2)), message);
    }
    report.whenComplete((result, failure) -> {
      if (failure == null) {
        respond(exchange, 200, result);
      } else {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        LOG.error("Dispatch of message {} failed", message.id(), cause);
        respond(exchange, 500, Map.of("error", "internal error; see the operator log"));
      }
    });
  }

  private void authenticate(HttpExchange exchange) throws DispatchException {
    if (!token.configured()) {
      throw new DispatchException(503, "the dispatch endpoint has no token configured (EMAILGISTICS_DISPATCH_TOKEN_FILE)");
    }
    if (!token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw new DispatchException(401, "missing or wrong bearer token");
    }
  }

  private static void requireMethod(String actual, String expected) throws DispatchException {
    if (!expected.equals(actual)) {
      throw new DispatchException(405, "method " + actual + " is not allowed here; use " + expected);
    }
  }

  private JsonNode readJson(HttpExchange exchange) throws DispatchException, IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new DispatchException(415, "Content-Type must be application/json");
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        // Discard a bounded amount of the rest (the read timeout bounds the time): closing on
        // unread data resets the connection and the client would never see the 413.
        in.readNBytes(16 * maxBodyBytes);
        throw new DispatchException(413, "the body exceeds " + maxBodyBytes + " bytes");
      }
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new DispatchException(400, "malformed JSON: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    }
  }

  private void serveOpenApi(HttpExchange exchange) throws IOException {
    byte[] spec;
    try (InputStream in = DispatchServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      spec = in.readAllBytes();
    }
    exchange.getResponseHeaders().set("Content-Type", "application/yaml");
    exchange.sendResponseHeaders(200, spec.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(spec);
    }
  }

  /**
   * Decodes a path segment (the server has already rejected malformed escapes); unlike a query
   * string, '+' stays '+' (user+tag@example.com).
   */
  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange exchange, int status, Object body) {
    try (exchange) {
      byte[] bytes = JSON.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (IOException e) {
      LOG.debug("Could not answer a dispatch request (client gone?): {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
