package com.emailgistics.webhooks.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * POSTs payloads to webhook endpoints without blocking a thread per request: the JDK HTTP client
 * multiplexes every in-flight request over a selector thread and a small, bounded executor, and
 * pools connections per endpoint. HTTPS with TLS 1.2 or newer only, redirects never followed, no
 * hidden retries (retry decisions belong to {@link DeliveryEngine}), and the per-attempt timeout
 * covers the whole exchange, body included.
 */
public final class WebhookHttpClient {
  static final int MAX_RESPONSE_BYTES = 1 << 20;
  private static final String[] TLS_1_2_OR_NEWER = {"TLSv1.3", "TLSv1.2"};

  private final String userAgent;
  private final ExecutorService executor;
  private final HttpClient systemTrust;
  private final Map<String, HttpClient> clientsByCaBundle = new ConcurrentHashMap<>();

  /** {@code executor} runs the client's callbacks; it should be small and bounded. */
  public WebhookHttpClient(String userAgent, ExecutorService executor) {
    this.userAgent = userAgent;
    this.executor = executor;
    try {
      this.systemTrust = newClient(SSLContext.getDefault());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  public CompletableFuture<HttpExchange> post(WebhookEndpoint endpoint, byte[] payload) {
    HttpClient client;
    try {
      client = clientFor(endpoint);
    } catch (InvalidCaBundleException e) {
      return CompletableFuture.completedFuture(HttpExchange.failed("invalid CA bundle: " + e.getMessage(), 0));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(endpoint.url()))
            .timeout(endpoint.timeout())
            .header("User-Agent", userAgent)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
    endpoint.bearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    long start = System.nanoTime();
    return client
        .sendAsync(request.build(), info -> new CappedBodySubscriber(MAX_RESPONSE_BYTES))
        .orTimeout(endpoint.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle((response, failure) -> failure == null
            ? HttpExchange.answered(
                response.statusCode(), response.body(), response.headers().firstValue("Retry-After"), millisSince(start))
            : HttpExchange.failed(describe(unwrap(failure), endpoint), millisSince(start)));
  }

  private HttpClient clientFor(WebhookEndpoint endpoint) throws InvalidCaBundleException {
    if (endpoint.caBundlePem().isEmpty()) {
      return systemTrust;
    }
    String pem = endpoint.caBundlePem().get();
    HttpClient cached = clientsByCaBundle.get(pem);
    if (cached != null) {
      return cached;
    }
    HttpClient client = newClient(trusting(parseCertificates(pem)));
    HttpClient raced = clientsByCaBundle.putIfAbsent(pem, client);
    return raced == null ? client : raced;
  }

  private HttpClient newClient(SSLContext tls) {
    SSLParameters parameters = tls.getDefaultSSLParameters();
    parameters.setProtocols(TLS_1_2_OR_NEWER);
    return HttpClient.newBuilder()
        .executor(executor)
        .sslContext(tls)
        .sslParameters(parameters)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  private static SSLContext trusting(List<X509Certificate> certificates) throws InvalidCaBundleException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidCaBundleException("the CA bundle cannot be used: " + e.getMessage());
    }
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

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  static String describe(Throwable failure, WebhookEndpoint endpoint) {
    if (failure instanceof TimeoutException || failure instanceof HttpTimeoutException
        && !(failure instanceof HttpConnectTimeoutException)) {
      return "Timed out after " + endpoint.timeout().toSeconds() + "s";
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException || cause instanceof java.net.UnknownHostException) {
        return "DNS lookup failed for " + URI.create(endpoint.url()).getHost();
      }
      if (cause instanceof HttpConnectTimeoutException) {
        return "TCP connection timed out after " + endpoint.timeout().toSeconds() + "s";
      }
      if (cause instanceof SSLException) {
        return "TLS handshake failed: " + cause.getMessage();
      }
    }
    if (failure instanceof ConnectException) {
      return "TCP connection failed: " + (failure.getMessage() == null ? "connection refused" : failure.getMessage());
    }
    return "Request failed: " + failure.getClass().getSimpleName()
        + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
