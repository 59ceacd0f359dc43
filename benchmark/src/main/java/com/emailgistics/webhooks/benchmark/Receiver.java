package com.emailgistics.webhooks.benchmark;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.tls.HeldCertificate;

/**
 * The webhook receiver of the benchmark, run in its own JVM: an HTTPS server (Vert.x, TLS 1.2/1.3
 * from the JDK) whose certificate is signed by a throwaway CA, answering every POST with a valid
 * Emailgistics envelope and one tag action. {@code /fast} answers at once, {@code /slow} after the
 * configured delay and {@code /delay/<ms>} after that many milliseconds (timers, no thread is
 * held). A plain-HTTP admin port serves counters.
 *
 * <p>Arguments: work directory, event-loop threads, slow delay in milliseconds. Writes {@code
 * receiver-ca.pem} and {@code receiver.properties} (ports) into the work directory.
 */
public final class Receiver {
  static final String ANSWER =
      "{\"status\":\"success\",\"message\":\"received\",\"actions\":[{\"type\":\"tag\",\"value\":{\"tags\":[\"VIP\"]}}]}";

  private static final AtomicLong FAST = new AtomicLong();
  private static final AtomicLong SLOW = new AtomicLong();
  private static final AtomicLong OTHER = new AtomicLong();
  private static final AtomicInteger SLOW_IN_FLIGHT = new AtomicInteger();
  private static final AtomicInteger SLOW_PEAK = new AtomicInteger();
  private static final AtomicInteger CONNECTIONS = new AtomicInteger();
  private static final AtomicInteger CONNECTIONS_PEAK = new AtomicInteger();
  private static final AtomicLong CONNECTIONS_OPENED = new AtomicLong();

  private Receiver() {}

  public static void main(String[] args) throws Exception {
    Path workDir = Path.of(args[0]);
    int eventLoops = Integer.parseInt(args[1]);
    long slowDelayMillis = Long.parseLong(args[2]);

    HeldCertificate ca =
        new HeldCertificate.Builder()
            .certificateAuthority(0)
            .commonName("Emailgistics benchmark receiver CA")
            .build();
    HeldCertificate certificate =
        new HeldCertificate.Builder()
            .addSubjectAlternativeName("localhost")
            .addSubjectAlternativeName("127.0.0.1")
            .commonName("localhost")
            .signedBy(ca)
            .build();

    Vertx vertx =
        Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1));
    int port = freePort();
    HttpServerOptions tls =
        new HttpServerOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setSsl(true)
            .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
            .setAcceptBacklog(8192)
            // The operator may take long to finish handshakes when thousands arrive at once on 2
            // cores;
            // the receiver must not be the one that gives up.
            .setSslHandshakeTimeout(120)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .addCertValue(Buffer.buffer(certificate.certificatePem()))
                    .addKeyValue(Buffer.buffer(certificate.privateKeyPkcs8Pem())));
    Buffer answer = Buffer.buffer(ANSWER);
    String deployment =
        await(
            vertx.deployVerticle(
                () ->
                    new AbstractVerticle() {
                      @Override
                      public void start(io.vertx.core.Promise<Void> started) {
                        vertx
                            .createHttpServer(tls)
                            .connectionHandler(
                                connection -> {
                                  CONNECTIONS_OPENED.incrementAndGet();
                                  CONNECTIONS_PEAK.accumulateAndGet(
                                      CONNECTIONS.incrementAndGet(), Math::max);
                                  connection.closeHandler(ignored -> CONNECTIONS.decrementAndGet());
                                })
                            .requestHandler(request -> handle(request, answer, slowDelayMillis))
                            .listen()
                            .<Void>mapEmpty()
                            .onComplete(started);
                      }
                    },
                new DeploymentOptions().setInstances(eventLoops)));

    int adminPort = freePort();
    await(
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(adminPort))
            .requestHandler(
                request -> {
                  if (request.path().equals("/reset")) {
                    SLOW_PEAK.set(SLOW_IN_FLIGHT.get());
                    CONNECTIONS_PEAK.set(CONNECTIONS.get());
                  }
                  request.response().putHeader("Content-Type", "text/plain").end(stats());
                })
            .listen());

    Files.writeString(
        workDir.resolve("receiver-ca.pem"), ca.certificatePem(), StandardCharsets.US_ASCII);
    Path properties = workDir.resolve("receiver.properties");
    Path temporary = workDir.resolve("receiver.properties.tmp");
    Files.writeString(
        temporary,
        "port=" + port + "\nadminPort=" + adminPort + "\ndeployment=" + deployment + "\n");
    Files.move(temporary, properties, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println(
        "receiver listening on https://127.0.0.1:"
            + port
            + " (admin http://127.0.0.1:"
            + adminPort
            + ")");
    // Runs until the benchmark destroys the process.
    Thread.currentThread().join();
  }

  private static void handle(HttpServerRequest request, Buffer answer, long slowDelayMillis) {
    String path = request.path();
    request
        .body()
        .onComplete(
            ignored -> {
              if (path.equals("/slow")) {
                SLOW.incrementAndGet();
                SLOW_PEAK.accumulateAndGet(SLOW_IN_FLIGHT.incrementAndGet(), Math::max);
                Vertx.currentContext()
                    .owner()
                    .setTimer(
                        slowDelayMillis,
                        id -> {
                          SLOW_IN_FLIGHT.decrementAndGet();
                          request
                              .response()
                              .putHeader("Content-Type", "application/json")
                              .end(answer);
                        });
              } else if (path.startsWith("/delay/")) {
                // /delay/<ms>: an endpoint with a fixed, moderate latency (the overload scenario).
                OTHER.incrementAndGet();
                Vertx.currentContext()
                    .owner()
                    .setTimer(
                        Long.parseLong(path.substring("/delay/".length())),
                        id ->
                            request
                                .response()
                                .putHeader("Content-Type", "application/json")
                                .end(answer));
              } else {
                (path.equals("/fast") ? FAST : OTHER).incrementAndGet();
                request.response().putHeader("Content-Type", "application/json").end(answer);
              }
            });
  }

  private static String stats() {
    return "fast="
        + FAST.get()
        + "\nslow="
        + SLOW.get()
        + "\nother="
        + OTHER.get()
        + "\nslowInFlight="
        + SLOW_IN_FLIGHT.get()
        + "\nslowInFlightPeak="
        + SLOW_PEAK.get()
        + "\nconnections="
        + CONNECTIONS.get()
        + "\nconnectionsPeak="
        + CONNECTIONS_PEAK.get()
        + "\nconnectionsOpened="
        + CONNECTIONS_OPENED.get()
        + "\n";
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
