package com.emailgistics.webhooks.health;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.eventloop.ConnectionGuard;
import com.emailgistics.webhooks.eventloop.EventLoops;
import com.emailgistics.webhooks.eventloop.Servers;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Liveness (/healthz), readiness (/readyz) and Prometheus metrics (/metrics) on a port and an event
 * loop of their own, so that neither dispatch load nor slow clients on the dispatch port can make a
 * probe time out (a failed liveness probe restarts the pod).
 */
public final class HealthServer implements AutoCloseable {
  private static final int MAX_CONNECTIONS = 64;
  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(5);

  private final EventLoops loop = EventLoops.start("health", 1);
  private final ConnectionGuard guard = new ConnectionGuard(MAX_CONNECTIONS, HEAD_TIMEOUT);
  private final HttpServer server;
  private final int requestedPort;

  public HealthServer(
      int port, BooleanSupplier alive, BooleanSupplier ready, Supplier<String> metrics) {
    this.requestedPort = port;
    this.server =
        loop.vertx()
            .createHttpServer(
                new HttpServerOptions()
                    .setIdleTimeout(60)
                    .setMaxInitialLineLength(1024)
                    .setMaxHeaderSize(8192)
                    .setHttp2ClearTextEnabled(false))
            .connectionHandler(guard::connected)
            .requestHandler(
                request -> {
                  if (guard.headReceived(request)) {
                    route(request, alive, ready, metrics);
                  } else {
                    request.response().putHeader("Connection", "close");
                    send(request, 503, "text/plain; charset=utf-8", "too many connections\n");
                  }
                });
  }

  private static void route(
      HttpServerRequest request,
      BooleanSupplier alive,
      BooleanSupplier ready,
      Supplier<String> metrics) {
    switch (request.path()) {
      case "/healthz" -> probe(request, alive.getAsBoolean(), "not alive\n");
      case "/readyz" -> probe(request, ready.getAsBoolean(), "not ready\n");
      case "/metrics" ->
          send(request, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
      default ->
          send(
              request,
              404,
              "text/plain; charset=utf-8",
              "no such endpoint; try /healthz, /readyz or /metrics\n");
    }
  }

  /** Binds the port; fails with the cause when it cannot. */
  public void start() {
    Servers.await(server.listen(requestedPort), requestedPort, OperatorConfig.HEALTH_PORT);
  }

  public int port() {
    return server.actualPort();
  }

  private static void probe(HttpServerRequest request, boolean ok, String failure) {
    send(request, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : failure);
  }

  private static void send(HttpServerRequest request, int status, String contentType, String text) {
    request.response().setStatusCode(status).putHeader("Content-Type", contentType).end(text);
  }

  @Override
  public void close() {
    loop.close();
  }
}
