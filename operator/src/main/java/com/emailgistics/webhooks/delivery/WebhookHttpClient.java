package com.emailgistics.webhooks.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import okhttp3.ConnectionSpec;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.TlsVersion;
import okhttp3.tls.HandshakeCertificates;
import okio.BufferedSource;

/**
 * POSTs payloads to webhook endpoints: HTTPS with TLS 1.2 or newer only, redirects never
 * followed, no silent retries (retry decisions belong to the caller), the per-attempt timeout
 * covering the whole call. Clients for private CA bundles are cached so connections are pooled.
 */
public final class WebhookHttpClient {
  static final int MAX_RESPONSE_BYTES = 1 << 20;
  private static final MediaType JSON = MediaType.get("application/json");
  private static final ConnectionSpec TLS_1_2_OR_NEWER =
      new ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS)
          .tlsVersions(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2)
          .build();

  private final OkHttpClient base;
  private final String userAgent;
  private final Map<String, OkHttpClient> clientsByCaBundle = new ConcurrentHashMap<>();

  public WebhookHttpClient(String userAgent) {
    this.userAgent = userAgent;
    this.base =
        new OkHttpClient.Builder()
            .connectionSpecs(List.of(TLS_1_2_OR_NEWER))
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .build();
  }

  public HttpExchange post(WebhookEndpoint endpoint, byte[] payload) throws InvalidCaBundleException {
    OkHttpClient client =
        clientFor(endpoint).newBuilder()
            .callTimeout(endpoint.timeout())
            .connectTimeout(endpoint.timeout())
            .readTimeout(endpoint.timeout())
            .writeTimeout(endpoint.timeout())
            .build();
    Request.Builder request =
        new Request.Builder()
            .url(endpoint.url())
            .header("User-Agent", userAgent)
            .post(RequestBody.create(payload, JSON));
    endpoint.bearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    long start = System.nanoTime();
    try (Response response = client.newCall(request.build()).execute()) {
      String body = readCapped(response.body());
      return HttpExchange.answered(response.code(), body, millisSince(start));
    } catch (IOException e) {
      return HttpExchange.failed(describe(e, endpoint), millisSince(start));
    }
  }

  private OkHttpClient clientFor(WebhookEndpoint endpoint) throws InvalidCaBundleException {
    if (endpoint.caBundlePem().isEmpty()) {
      return base;
    }
    String pem = endpoint.caBundlePem().get();
    OkHttpClient cached = clientsByCaBundle.get(pem);
    if (cached != null) {
      return cached;
    }
    HandshakeCertificates.Builder trust = new HandshakeCertificates.Builder();
    parseCertificates(pem).forEach(trust::addTrustedCertificate);
    HandshakeCertificates certificates = trust.build();
    OkHttpClient client =
        base.newBuilder()
            .sslSocketFactory(certificates.sslSocketFactory(), certificates.trustManager())
            .build();
    clientsByCaBundle.putIfAbsent(pem, client);
    return client;
  }

  /** Parses a PEM bundle; fails when it holds no certificate at all. */
  public static List<X509Certificate> parseCertificates(String pem) throws InvalidCaBundleException {
    try {
      List<X509Certificate> certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
              .stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certificates.isEmpty()) {
        throw new InvalidCaBundleException("the CA bundle holds no PEM certificate");
      }
      return certificates;
    } catch (CertificateException e) {
      throw new InvalidCaBundleException("the CA bundle is not valid PEM: " + e.getMessage());
    }
  }

  /** The body as text, or null when it exceeds {@link #MAX_RESPONSE_BYTES}. */
  private static String readCapped(ResponseBody body) throws IOException {
    BufferedSource source = body.source();
    if (source.request(MAX_RESPONSE_BYTES + 1L)) {
      return null;
    }
    return source.readString(StandardCharsets.UTF_8);
  }

  private static String describe(IOException e, WebhookEndpoint endpoint) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof UnknownHostException) {
      return "DNS lookup failed: " + detail;
    }
    if (e instanceof ConnectException) {
      return "TCP connection failed: " + detail;
    }
    if (e instanceof SSLException) {
      return "TLS handshake failed: " + detail;
    }
    if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
      return "Timed out after " + endpoint.timeout().toSeconds() + "s: " + detail;
    }
    return "Request failed: " + detail;
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
