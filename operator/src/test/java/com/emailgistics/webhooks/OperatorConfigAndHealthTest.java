package com.emailgistics.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.health.HealthServer;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperatorConfigAndHealthTest {
  @Test
  void defaultsKeepTheFeatureOffAndWatchEverything() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());
    assertThat(config.webhooksEnabled()).isFalse();
    assertThat(config.webhookNamespaces()).isEmpty();
    assertThat(config.healthPort()).isEqualTo(8081);
    assertThat(config.leaderElectionNamespace()).isEmpty();
  }

  @Test
  void environmentIsParsed() {
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                OperatorConfig.ENABLED, "TRUE",
                OperatorConfig.WEBHOOK_NAMESPACES, " admin , other,",
                OperatorConfig.SECRET_LABEL_SELECTOR, "emailgistics/webhook=true",
                OperatorConfig.LEADER_ELECTION_NAMESPACE, "ops",
                OperatorConfig.HEALTH_PORT, "9090"));
    assertThat(config.webhooksEnabled()).isTrue();
    assertThat(config.webhookNamespaces()).isEqualTo(Set.of("admin", "other"));
    assertThat(config.watchesWebhookNamespace("admin")).isTrue();
    assertThat(config.watchesWebhookNamespace("team")).isFalse();
    assertThat(config.secretLabelSelector()).isEqualTo("emailgistics/webhook=true");
    assertThat(OperatorConfig.defaults().secretLabelSelector())
        .isEqualTo("webhooks.emailgistics.com/secret=true");
    assertThat(config.leaderElectionNamespace()).isEqualTo(Optional.of("ops"));
    assertThat(config.healthPort()).isEqualTo(9090);
  }

  @Test
  void badValuesFailWithTheVariableName() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of(OperatorConfig.ENABLED, "yes")))
        .hasMessage("EMAILGISTICS_WEBHOOKS_ENABLED must be true or false, not 'yes'");
    assertThatThrownBy(
            () -> OperatorConfig.fromEnvironment(Map.of(OperatorConfig.HEALTH_PORT, "http")))
        .hasMessage("EMAILGISTICS_HEALTH_PORT must be a whole number from 0 to 65535, not 'http'");
    assertThatThrownBy(
            () ->
                OperatorConfig.fromEnvironment(
                    Map.of(
                        OperatorConfig.DISPATCH_MAX_BODY_BYTES,
                        "8388608",
                        OperatorConfig.DISPATCH_MAX_BYTES,
                        "4194304")))
        .hasMessage(
            "EMAILGISTICS_DISPATCH_MAX_BYTES_IN_FLIGHT (4194304) must be at least"
                + " EMAILGISTICS_DISPATCH_MAX_BODY_BYTES (8388608)");
    assertThatThrownBy(
            () ->
                OperatorConfig.fromEnvironment(
                    Map.of(OperatorConfig.DELIVERY_DENIED_CIDRS, "10.96.0.0/12, 10.0.0.0/33")))
        .hasMessage(
            "EMAILGISTICS_DELIVERY_DENIED_CIDRS: '10.0.0.0/33' needs a prefix length from 0 to 32");
  }

  @Test
  void healthEndpointsReflectLivenessAndReadiness() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server =
        new HealthServer(
            0, () -> true, ready::get, () -> "emailgistics_deliveries_in_flight 0\n")) {
      server.start();
      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, server, "/healthz")).isEqualTo(200);
      assertThat(get(http, server, "/readyz")).isEqualTo(503);
      ready.set(true);
      assertThat(get(http, server, "/readyz")).isEqualTo(200);
      assertThat(get(http, server, "/metrics")).isEqualTo(200);
    }
  }

  @Test
  void slowClientsOnTheHealthPortDoNotDelayProbes() throws Exception {
    try (HealthServer server = new HealthServer(0, () -> true, () -> true, () -> "")) {
      server.start();
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          Socket socket = new Socket("127.0.0.1", server.port());
          socket
              .getOutputStream()
              .write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
          slow.add(socket);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (int i = 0; i < 20; i++) {
          long start = System.nanoTime();
          HttpResponse<Void> probe =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                      .timeout(Duration.ofSeconds(1))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          assertThat(probe.statusCode()).isEqualTo(200);
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .isLessThan(Duration.ofMillis(500));
          for (Socket socket : slow) {
            socket.getOutputStream().write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          Thread.sleep(100);
        }
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }
    }
  }

  private static int get(HttpClient http, HealthServer server, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
