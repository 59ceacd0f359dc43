package com.emailgistics.webhooks.chart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The smallest API server the chart's `lookup` needs: core/v1 discovery and GET of one Secret.
 *
 * <p>helm-java's template() renders with a dry run that still talks to the cluster of the current
 * kubeconfig (DryRunOption "none"), so `lookup` would reach a developer's real cluster or fail on a
 * machine without one. Surefire points KUBECONFIG at a file this server writes, which keeps the
 * tests hermetic and lets them check that the dispatch token survives an upgrade.
 */
final class FakeApiServer {
  private static final Pattern SECRET_PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/secrets/([^/]+)$");
  private static final String DISCOVERY =
      """
      {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
        {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret",
         "verbs":["create","delete","get","list","patch","update","watch"]}]}""";

  private final HttpServer server;
  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private FakeApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts the server and writes a kubeconfig pointing at it to the given path. */
  static FakeApiServer startWithKubeconfig(Path kubeconfig) {
    try {
      FakeApiServer fake = new FakeApiServer();
      Files.createDirectories(kubeconfig.getParent());
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
            - name: fake
              cluster: {server: "http://127.0.0.1:%d"}
          users:
            - name: fake
              user: {token: fake}
          contexts:
            - name: fake
              context: {cluster: fake, user: fake}
          current-context: fake
          """
              .formatted(fake.server.getAddress().getPort()));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> fake.server.stop(0)));
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void putSecret(Secret secret) {
    secrets.put(secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName(), secret);
  }

  void clear() {
    secrets.clear();
    requests.clear();
  }

  /** "GET /path" of every request since the last clear(). */
  List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(exchange.getRequestMethod() + " " + path);
    Matcher secretPath = SECRET_PATH.matcher(path);
    if (!"GET".equals(exchange.getRequestMethod())) {
      respond(exchange, 405, status(405, "MethodNotAllowed", "read-only fake"));
    } else if (path.equals("/api/v1")) {
      respond(exchange, 200, DISCOVERY);
    } else if (secretPath.matches()) {
      Secret secret = secrets.get(secretPath.group(1) + "/" + secretPath.group(2));
      if (secret == null) {
        respond(
            exchange,
            404,
            status(404, "NotFound", "secrets \"" + secretPath.group(2) + "\" not found"));
      } else {
        respond(exchange, 200, HelmChart.SERIALIZATION.asJson(secret));
      }
    } else {
      respond(exchange, 404, status(404, "NotFound", "not served by the fake API server"));
    }
  }

  private static String status(int code, String reason, String message) {
    return """
        {"kind":"Status","apiVersion":"v1","status":"Failure","message":"%s","reason":"%s","code":%d}"""
        .formatted(message.replace("\"", "\\\""), reason, code);
  }

  private static void respond(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
