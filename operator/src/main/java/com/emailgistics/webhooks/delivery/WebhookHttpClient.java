package com.emailgistics.webhooks.delivery;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.impl.CleanableHttpClient;
import io.vertx.core.internal.CloseFuture;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.SocketAddress;
import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * POSTs payloads to webhook endpoints from one event loop (a lane), without a thread per request:
 * connections are pooled per endpoint and created on this lane's event loop, so a delivery never
 * changes threads. HTTPS with TLS 1.2 or newer and hostname verification, HTTP/2 through ALPN when
 * the endpoint offers it (HTTP/1.1 otherwise), redirects never followed, no hidden retries (retry
 * decisions belong to {@link DeliveryEngine}), and the per-attempt timeout covers the whole
 * exchange, body included, and cancels it.
 *
 * <p>Not thread-safe: call it on its lane's event loop only.
 */
public final class WebhookHttpClient {
  public static final int MAX_RESPONSE_BYTES = 1 << 20;

  /** The Standard Webhooks headers (see {@link DeliverySigner}). */
  public static final String WEBHOOK_ID = "webhook-id";

  public static final String WEBHOOK_TIMESTAMP = "webhook-timestamp";
  public static final String WEBHOOK_SIGNATURE = "webhook-signature";

  /**
   * Distinct CA bundles whose clients are kept; beyond, the least recently used idle ones are shut
   * down (one with exchanges in flight is never cut off).
   */
  static final int MAX_TRUST_CLIENTS = 64;

  /** A retired client's last connections may take this long to close. */
  private static final long RETIRED_CLIENT_GRACE_SECONDS = 10;

  private static final Set<String> TLS_1_2_OR_NEWER = Set.of("TLSv1.2", "TLSv1.3");

  private final Context lane;
  private final String userAgent;
  private final ClientSettings settings;
  private final TrustClient systemTrust;

  /** Clients by CA bundle, least recently used first. */
  private final Map<String, TrustClient> byCaBundle = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * The client of one CA bundle (or of the system trust store), the exchanges it has in flight, and
   * the close hooks of the context it was built on. Vert.x 5.0.7 keeps every client among those
   * hooks after it has been shut down, with its connections and TLS state, until Vert.x itself
   * closes (fixed upstream by "Unregister the cleanable http client resource from the owner when
   * the client closes", after 5.0.x); {@link #close} takes it out. Confined to the lane.
   */
  private static final class TrustClient {
    final HttpClientAgent agent;
    private final CloseFuture owner;
    private int inFlight;
    private boolean retired;

    TrustClient(HttpClientAgent agent, CloseFuture owner) {
      this.agent = agent;
      this.owner = owner;
    }

    void started() {
      inFlight++;
    }

    void finished() {
      inFlight--;
      if (retired && inFlight == 0) {
        close();
      }
    }

    boolean idle() {
      return inFlight == 0;
    }

    /** Shuts the client down once its exchanges in flight are over. */
    void retire() {
      retired = true;
      if (inFlight == 0) {
        close();
      }
    }

    private void close() {
      agent
          .shutdown(RETIRED_CLIENT_GRACE_SECONDS, TimeUnit.SECONDS)
          .onComplete(
              closed -> {
                if (agent instanceof CleanableHttpClient cleanable) {
                  owner.remove(cleanable.delegate);
                }
              });
    }
  }

  /**
   * How the client connects.
   *
   * @param maxConnectionsPerEndpoint connections one lane keeps to one endpoint (HTTP/1.1), or
   *     HTTP/2 connections it may open once the streams of the first are all in use
   * @param http2 offer HTTP/2 through ALPN (the endpoint chooses)
   * @param maxWaiting deliveries that may wait for a connection of one endpoint on one lane
   * @param tlsEngine OpenSSL or the JDK's engine
   */
  public record ClientSettings(
      int maxConnectionsPerEndpoint,
      boolean http2,
      int maxWaiting,
      SSLEngineOptions tlsEngine,
      EgressPolicy egress) {}

  /** Creates a client whose connections live on {@code lane}'s event loop. */
  public WebhookHttpClient(Context lane, String userAgent, ClientSettings settings) {
    this.lane = lane;
    this.userAgent = userAgent;
    this.settings = settings;
    this.systemTrust = newTrustClient(null);
  }

  public Context lane() {
    return lane;
  }

  /**
   * POSTs {@code payload}, signed as {@code deliveryId} when the endpoint signs. The returned
   * future completes on this lane, at the latest {@code timeoutMillis} after the call or when
   * {@code deadline} is cut short, and never fails: a failure is an answer without status.
   */
  public Future<EndpointAnswer> post(
      WebhookEndpoint endpoint,
      String deliveryId,
      Buffer payload,
      long timeoutMillis,
      Deadline deadline) {
    if (timeoutMillis <= 0) {
      return Future.succeededFuture(EndpointAnswer.failed("Cut short: " + deadline.reason(), 0));
    }
    TrustClient client;
    try {
      client = clientFor(endpoint);
    } catch (InvalidCaBundleException e) {
      return Future.succeededFuture(
          EndpointAnswer.failed("invalid CA bundle: " + e.getMessage(), 0));
    }
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add(HttpHeaderNames.USER_AGENT, userAgent)
            .add(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    if (endpoint.authorization() != null) {
      headers.add(HttpHeaderNames.AUTHORIZATION, endpoint.authorization());
    }
    endpoint
        .signer()
        .ifPresent(
            signer -> {
              long timestamp = System.currentTimeMillis() / 1000;
              headers
                  .add(WEBHOOK_ID, deliveryId)
                  .add(WEBHOOK_TIMESTAMP, Long.toString(timestamp))
                  .add(WEBHOOK_SIGNATURE, signer.signature(deliveryId, timestamp, payload));
            });
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(endpoint.host())
            .setPort(endpoint.port())
            .setURI(endpoint.requestUri())
            .setSsl(true)
            .setHeaders(headers)
            // Our own timer below covers the whole exchange; these only must not fire first.
            .setConnectTimeout(timeoutMillis + 1000)
            .setIdleTimeout(-1);
    Exchange exchange = new Exchange(endpoint, payload, timeoutMillis, deadline);
    // Resolved here, not by the client, so that the address connected to is the one checked.
    ((VertxInternal) lane.owner())
        .nameResolver()
        .resolve(endpoint.host())
        .onComplete(
            resolved -> {
              if (resolved.failed()) {
                exchange.fail(resolved.cause());
                return;
              }
              InetAddress address = resolved.result();
              String refusal = settings.egress().refusal(address);
              if (refusal != null) {
                exchange.refuse(
                    "Refused to connect to "
                        + endpoint.host()
                        + " ("
                        + address.getHostAddress()
                        + "): "
                        + refusal);
                return;
              }
              request.setServer(
                  SocketAddress.inetSocketAddress(new InetSocketAddress(address, endpoint.port())));
              client.agent.request(request).onComplete(exchange::requestReady);
            });
    client.started();
    return exchange.promise.future().onComplete(done -> client.finished());
  }

  private TrustClient clientFor(WebhookEndpoint endpoint) throws InvalidCaBundleException {
    if (endpoint.caBundlePem().isEmpty()) {
      return systemTrust;
    }
    String pem = endpoint.caBundlePem().get();
    TrustClient client = byCaBundle.get(pem);
    if (client == null) {
      parseCertificates(pem);
      client = newTrustClient(new PemTrustOptions().addCertValue(Buffer.buffer(pem)));
      byCaBundle.put(pem, client);
      retireIdleBeyondLimit();
    }
    return client;
  }

  private void retireIdleBeyondLimit() {
    Iterator<TrustClient> leastRecentlyUsed = byCaBundle.values().iterator();
    while (byCaBundle.size() > MAX_TRUST_CLIENTS && leastRecentlyUsed.hasNext()) {
      TrustClient client = leastRecentlyUsed.next();
      if (client.idle()) {
        leastRecentlyUsed.remove();
        client.retire();
      }
    }
  }

  /**
   * Retires the clients of CA bundles not in {@code inUse} (their Webhooks were deleted or
   * changed), once their exchanges in flight are over. Safe from any thread.
   */
  public void retainCaBundles(Set<String> inUse) {
    lane.runOnContext(
        ignored ->
            byCaBundle
                .entrySet()
                .removeIf(
                    entry -> {
                      if (inUse.contains(entry.getKey())) {
                        return false;
                      }
                      entry.getValue().retire();
                      return true;
                    }));
  }

  /** Built on the lane, whose context's close hooks then hold it (see {@link TrustClient}). */
  private TrustClient newTrustClient(PemTrustOptions trust) {
    VertxInternal vertx = (VertxInternal) lane.owner();
    ContextInternal current = vertx.getContext();
    return new TrustClient(
        newClient(trust), current != null ? current.closeFuture() : vertx.closeFuture());
  }

  private HttpClientAgent newClient(PemTrustOptions trust) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setSsl(true)
            .setVerifyHost(true)
            .setEnabledSecureTransportProtocols(TLS_1_2_OR_NEWER)
            .setSslEngineOptions(settings.tlsEngine())
            .setTcpNoDelay(true)
            .setKeepAlive(true)
            .setKeepAliveTimeout(30)
            .setHttp2KeepAliveTimeout(30)
            .setMaxRedirects(0)
            .setDecompressionSupported(false)
            .setShared(false);
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    if (settings.http2()) {
      options
          .setUseAlpn(true)
          .setProtocolVersion(HttpVersion.HTTP_2)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setHttp2ClearTextUpgrade(false);
    }
    PoolOptions pool =
        new PoolOptions()
            .setHttp1MaxSize(settings.maxConnectionsPerEndpoint())
            .setHttp2MaxSize(settings.maxConnectionsPerEndpoint())
            .setMaxWaitQueueSize(settings.maxWaiting());
    return lane.owner().httpClientBuilder().with(options).with(pool).build();
  }

  /** Parses a PEM bundle; fails when it holds no certificate at all. */
  public static List<X509Certificate> parseCertificates(String pem)
      throws InvalidCaBundleException {
    try {
      List<X509Certificate> certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
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

  /**
   * One POST. Everything runs on the lane's event loop: the timer, the request, the response
   * chunks; {@code done} guards against a late callback after the timer has answered.
   */
  private final class Exchange {
    final Promise<EndpointAnswer> promise = Promise.promise();
    final WebhookEndpoint endpoint;
    final Buffer payload;
    final long timeoutMillis;
    final Deadline deadline;
    final long start = System.nanoTime();
    final long timer;
    HttpClientRequest request;
    Buffer body;
    boolean done;

    Exchange(WebhookEndpoint endpoint, Buffer payload, long timeoutMillis, Deadline deadline) {
      this.endpoint = endpoint;
      this.payload = payload;
      this.timeoutMillis = timeoutMillis;
      this.deadline = deadline;
      this.timer = lane.owner().setTimer(timeoutMillis, id -> timedOut());
      deadline.onExpire(() -> abandon("Cut short: " + deadline.reason()));
    }

    void requestReady(io.vertx.core.AsyncResult<HttpClientRequest> ready) {
      if (ready.failed()) {
        fail(ready.cause());
        return;
      }
      request = ready.result();
      if (done) {
        request.reset();
        return;
      }
      request
          .send(payload)
          .onComplete(
              answer -> {
                if (answer.failed()) {
                  fail(answer.cause());
                } else {
                  receive(answer.result());
                }
              });
    }

    private void receive(HttpClientResponse response) {
      String length = response.getHeader(HttpHeaderNames.CONTENT_LENGTH);
      if (length != null && parsedLength(length) > MAX_RESPONSE_BYTES) {
        tooLarge(response);
        return;
      }
      response.handler(
          chunk -> {
            if (done) {
              return;
            }
            if (body == null) {
              body = Buffer.buffer(Math.min(chunk.length() * 2, MAX_RESPONSE_BYTES));
            }
            if (body.length() + chunk.length() > MAX_RESPONSE_BYTES) {
              tooLarge(response);
            } else {
              body.appendBuffer(chunk);
            }
          });
      response.exceptionHandler(this::fail);
      response.endHandler(
          ended ->
              complete(
                  EndpointAnswer.answered(
                      response.statusCode(),
                      body == null ? new byte[0] : body.getBytes(),
                      Optional.ofNullable(response.getHeader("Retry-After")),
                      millisSince(start))));
    }

    private void tooLarge(HttpClientResponse response) {
      complete(
          EndpointAnswer.answered(
              response.statusCode(), null, Optional.empty(), millisSince(start)));
      request.reset();
    }

    private void timedOut() {
      abandon(
          deadline.passed() && timeoutMillis < endpoint.timeout().toMillis()
              ? "Timed out after " + seconds(timeoutMillis) + ", cut short: " + deadline.reason()
              : "Timed out after " + seconds(timeoutMillis));
    }

    private void abandon(String why) {
      if (!done) {
        complete(EndpointAnswer.failed(why, millisSince(start)));
        if (request != null) {
          request.reset();
        }
      }
    }

    /** Ends the exchange without connecting. */
    private void refuse(String why) {
      complete(EndpointAnswer.refused(why, millisSince(start)));
    }

    private void fail(Throwable failure) {
      complete(
          EndpointAnswer.failed(describe(failure, endpoint, timeoutMillis), millisSince(start)));
    }

    private void complete(EndpointAnswer answer) {
      if (!done) {
        done = true;
        lane.owner().cancelTimer(timer);
        deadline.clearHook();
        promise.complete(answer);
      }
    }
  }

  private static long parsedLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A failure in words a webhook administrator can act on. */
  static String describe(Throwable failure, WebhookEndpoint endpoint, long timeoutMillis) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnknownHostException) {
        return "DNS lookup failed for " + endpoint.host();
      }
      if (cause instanceof SSLException) {
        return "TLS handshake failed: " + cause.getMessage();
      }
      if (cause instanceof ConnectException) {
        return "TCP connection failed: "
            + (cause.getMessage() == null ? "connection refused" : cause.getMessage());
      }
      if (cause instanceof java.util.concurrent.TimeoutException
          || cause.getClass().getSimpleName().contains("Timeout")) {
        return "Timed out after " + seconds(timeoutMillis);
      }
    }
    if (failure instanceof io.vertx.core.http.HttpClosedException) {
      return "The endpoint closed the connection before answering";
    }
    return "Request failed: "
        + failure.getClass().getSimpleName()
        + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0
        ? (millis / 1000) + "s"
        : String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
