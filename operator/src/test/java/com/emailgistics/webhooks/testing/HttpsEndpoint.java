package com.emailgistics.webhooks.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A real HTTPS endpoint on localhost whose certificate is signed by a throwaway test CA. Answers
 * every request with the current scripted response and records what it received. Every body it
 * receives is checked against docs/schemas/webhook-payload.schema.json; {@link #close()} fails the
 * test that used it if one broke the schema, so no test passes while the operator sends a payload
 * the spec forbids.
 */
public final class HttpsEndpoint implements AutoCloseable {
  private final HeldCertificate ca;
  private final MockWebServer server = new MockWebServer();

  /** What arrived, and when (System.nanoTime), in arrival order. */
  private record Arrival(RecordedRequest request, long nanos) {}

  private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
  private final List<String> schemaViolations = new CopyOnWriteArrayList<>();
  private volatile Supplier<MockResponse> response =
      () -> json(200, "{\"status\":\"success\",\"message\":\"ok\"}");

  public HttpsEndpoint() throws IOException {
    this(null);
  }

  /** An endpoint offering only {@code protocols} (e.g. "TLSv1.1"); null for the JDK's defaults. */
  public HttpsEndpoint(String[] protocols) throws IOException {
    ca =
        new HeldCertificate.Builder()
            .certificateAuthority(0)
            .commonName("Emailgistics test CA")
            .build();
    HeldCertificate certificate =
        new HeldCertificate.Builder()
            .addSubjectAlternativeName("localhost")
            .commonName("localhost")
            .signedBy(ca)
            .build();
    SSLSocketFactory tls =
        new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory();
    server.useHttps(protocols == null ? tls : new RestrictedProtocols(tls, protocols));
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            arrivals.add(new Arrival(request, System.nanoTime()));
            String body = request.getBody() == null ? "" : request.getBody().utf8();
            List<String> problems = Schemas.WEBHOOK_PAYLOAD.problems(body);
            if (!problems.isEmpty()) {
              schemaViolations.add(
                  request.getUrl().encodedPath() + ": " + problems + " in " + body);
            }
            return response.get();
          }
        });
    server.start();
  }

  public static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  public void respond(MockResponse next) {
    response = () -> next;
  }

  public void respond(int code, String body) {
    respond(json(code, body));
  }

  /** Answers the n-th request with the n-th response; once they run out, with the last one. */
  public void script(MockResponse... responses) {
    AtomicInteger next = new AtomicInteger();
    response = () -> responses[Math.min(next.getAndIncrement(), responses.length - 1)];
  }

  /** The https:// URL of {@code path} on this endpoint. */
  public String url(String path) {
    return server.url(path).toString();
  }

  /** PEM of the CA that signed this endpoint's certificate. */
  public String caPem() {
    return ca.certificatePem();
  }

  public List<RecordedRequest> requests() {
    return arrivals.stream()
        .map(Arrival::request)
        .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
  }

  /** Milliseconds between the arrival of request {@code from} and request {@code to} (0-based). */
  public long millisBetween(int from, int to) {
    return (arrivals.get(to).nanos() - arrivals.get(from).nanos()) / 1_000_000;
  }

  /** When {@code request} arrived (System.nanoTime). */
  public long arrivalNanos(RecordedRequest request) {
    return arrivals.stream().filter(a -> a.request() == request).findFirst().orElseThrow().nanos();
  }

  public RecordedRequest lastRequest() {
    List<RecordedRequest> all = requests();
    return all.get(all.size() - 1);
  }

  /** The requests so far whose body broke the payload schema, with the schema's complaints. */
  public List<String> payloadSchemaViolations() {
    return List.copyOf(schemaViolations);
  }

  /** Stops the endpoint; fails if any payload it received broke the payload schema. */
  @Override
  public void close() {
    server.close();
    if (!schemaViolations.isEmpty()) {
      throw new AssertionError(
          "payloads that break " + Schemas.WEBHOOK_PAYLOAD.file() + ": " + schemaViolations);
    }
  }
}
