package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.config.StartupException;
import com.emailgistics.webhooks.delivery.Admission;
import com.emailgistics.webhooks.delivery.Deadline;
import com.emailgistics.webhooks.delivery.DeliveryEngine;
import com.emailgistics.webhooks.eventloop.ConnectionGuard;
import com.emailgistics.webhooks.eventloop.EventLoops;
import com.emailgistics.webhooks.eventloop.Servers;
import com.emailgistics.webhooks.json.Json;
import com.emailgistics.webhooks.message.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP dispatch endpoint (OpenAPI description: docs/dispatch-openapi.yaml, also served at
 * /openapi.yaml), one server per event loop on a shared port. A message is read, matched, delivered
 * and answered on the event loop that accepted its connection. Every answer is JSON; bad input gets
 * a 4xx naming the problem, overload and shutdown a 503 with Retry-After, and anything unexpected
 * (a bug) a 500: a request is never left without an answer.
 */
public final class DispatchServer implements AutoCloseable {
  /**
   * The API description and the JSON Schemas it references (docs/), served without a token: the
   * relative references of /openapi.yaml resolve to /schemas/....
   */
  private static final Map<String, String> DOCUMENTS =
      Map.of(
          "/openapi.yaml", "application/yaml",
          "/schemas/address.schema.json", "application/schema+json",
          "/schemas/webhook-payload.schema.json", "application/schema+json",
          "/schemas/webhook-response.schema.json", "application/schema+json",
          "/schemas/dispatch-request.schema.json", "application/schema+json",
          "/schemas/dispatch-answer.schema.json", "application/schema+json");

  private static final Logger LOG = LoggerFactory.getLogger(DispatchServer.class);
  private static final CharSequence APPLICATION_JSON =
      HttpHeaders.createOptimized("application/json");
  private static final String RETRY_AFTER_SECONDS = "1";

  /** After an early answer, how long and how much of the rest of a request is read and dropped. */
  private static final Duration DISCARD_GRACE = Duration.ofSeconds(2);

  private static final long MAX_DISCARDED_BYTES = 16L << 20;
  private static final Duration SWEEP = Duration.ofMillis(250);

  /** Past the message deadline, a request still unanswered (a bug) is answered 500 after this. */
  private static final Duration WATCHDOG_GRACE = Duration.ofSeconds(10);

  private final EventLoops loops;
  private final List<Lane> lanes = new ArrayList<>();
  private final DispatchService service;
  private final DeliveryHistory history;
  private final DispatchToken token;
  private final ReadAccess readAccess;
  private final Admission admission;
  private final OperatorConfig.Dispatch settings;
  private final MessageParser parser;
  private final ConnectionGuard guard;
  private final Map<String, Buffer> documents;
  private final Counter callerDisconnects;
  private final MeterRegistry metrics;
  private final Optional<DispatchCertificate> certificate;

  /** emailgistics_dispatch_requests by answer status, registered on first use. */
  private final Map<Integer, Timer> answerTimers = new ConcurrentHashMap<>();

  private final LongAdder bodyTimeouts = new LongAdder();
  private final BooleanSupplier cachesSynced;
  private final String deadlineDescription;
  private volatile boolean draining;

  public DispatchServer(
      EventLoops loops,
      List<DeliveryEngine> engines,
      DispatchService service,
      DeliveryHistory history,
      DispatchToken token,
      ReadAccess readAccess,
      Admission admission,
      OperatorConfig.Dispatch settings,
      BooleanSupplier cachesSynced,
      MeterRegistry metrics,
      Clock clock) {
    this.loops = loops;
    this.readAccess = readAccess;
    this.cachesSynced = cachesSynced;
    this.service = service;
    this.history = history;
    this.token = token;
    this.admission = admission;
    this.settings = settings;
    this.parser = new MessageParser(clock);
    this.guard = new ConnectionGuard(settings.maxConnections(), settings.readTimeout());
    this.documents = readDocuments();
    this.deadlineDescription =
        "the message deadline of " + settings.messageDeadline().toSeconds() + " s";
    this.metrics = metrics;
    this.certificate = settings.tls().map(files -> DispatchCertificate.load(files, loops.vertx()));
    certificate.ifPresent(
        served ->
            Gauge.builder(
                    "emailgistics_dispatch_certificate_expiry_timestamp_seconds",
                    served,
                    c -> c.notAfter().getEpochSecond())
                .description("When the certificate dispatch serves over HTTPS expires (Unix time)")
                .register(metrics));
    for (DeliveryEngine engine : engines) {
      lanes.add(new Lane(engine));
    }
    Gauge.builder("emailgistics_dispatch_connections", guard, ConnectionGuard::openConnections)
        .description("Open connections to the dispatch port")
        .register(metrics);
    FunctionCounter.builder(
            "emailgistics_dispatch_connections_refused", guard, ConnectionGuard::refusedConnections)
        .description(
            "Connections refused (503, or closed at twice the limit) because the dispatch port had its maximum"
                + " open")
        .register(metrics);
    FunctionCounter.builder(
            "emailgistics_dispatch_slow_requests",
            this,
            server -> guard.headTimeouts() + bodyTimeouts.sum())
        .description(
            "Connections closed with 408 because a request head or body did not arrive in time")
        .register(metrics);
    callerDisconnects =
        Counter.builder("emailgistics_dispatch_caller_disconnects")
            .description("Callers that closed the connection before their message was answered")
            .register(metrics);
  }

  /** Binds the port on every event loop; fails with a one-line cause when it cannot. */
  public void start() {
    for (Lane lane : lanes) {
      Promise<HttpServer> listening = Promise.promise();
      // A negative port makes Vert.x pick one free port shared by all servers asking for it.
      int port = settings.port() == 0 ? -1 : settings.port();
      lane.context.runOnContext(
          ignored -> {
            loops.vertx().setPeriodic(SWEEP.toMillis(), id -> lane.sweep());
            lane.server.listen(port).onComplete(listening);
          });
      Servers.await(listening.future(), settings.port(), OperatorConfig.DISPATCH_PORT);
    }
    // Vert.x shares one socket among the servers of one port and spreads the connections.
    if (lanes.stream().map(lane -> lane.server.actualPort()).distinct().count() != 1) {
      throw new IllegalStateException(
          "the dispatch servers of the event loops did not share one port");
    }
  }

  public int port() {
    return lanes.get(0).server.actualPort();
  }

  /** Switches every server to a renewed certificate once its files have changed (called often). */
  public void reloadCertificate() {
    certificate
        .flatMap(DispatchCertificate::changed)
        .ifPresent(
            renewed ->
                lanes.forEach(
                    lane ->
                        lane.server
                            .updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(renewed))
                            .onFailure(
                                failure ->
                                    LOG.warn(
                                        "A dispatch server could not switch to the renewed"
                                            + " certificate: {}",
                                        failure.toString()))));
  }

  /** Messages being dispatched now. */
  public int messagesInFlight() {
    return admission.messagesInFlight();
  }

  /**
   * Stops taking messages (503 from now on, connections closed after their answer), waits up to
   * {@code timeout} for the messages in flight to finish, then cuts the rest short: their
   * deliveries in flight are cancelled and they are answered with what has been done.
   */
  public void drain(Duration timeout) {
    draining = true;
    long end = System.nanoTime() + timeout.toNanos();
    awaitIdle(end);
    if (admission.messagesInFlight() > 0) {
      LOG.warn(
          "Drain time ({} s) is over with {} message(s) in flight: cutting their deliveries short",
          timeout.toSeconds(),
          admission.messagesInFlight());
      lanes.forEach(
          lane ->
              lane.context.runOnContext(
                  ignored -> lane.expireAll("the operator is shutting down")));
      awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    }
  }

  private void awaitIdle(long untilNanos) {
    while (admission.messagesInFlight() > 0 && System.nanoTime() < untilNanos) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  public boolean draining() {
    return draining;
  }

  @Override
  public void close() {
    for (Lane lane : lanes) {
      try {
        lane.server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("Closing the dispatch server: {}", e.toString());
      }
    }
  }

  private static Map<String, Buffer> readDocuments() {
    Map<String, Buffer> documents = new HashMap<>();
    for (String path : DOCUMENTS.keySet()) {
      String resource = path.equals("/openapi.yaml") ? "/dispatch-openapi.yaml" : path;
      try (InputStream in = DispatchServer.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new StartupException(
              "the dispatch API document " + resource + " is missing from the jar");
        }
        documents.put(path, Buffer.buffer(in.readAllBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Map.copyOf(documents);
  }

  /** One event loop's server, its delivery engine and the deadlines of its messages in flight. */
  private final class Lane {
    final Context context;
    final DeliveryEngine engine;
    final HttpServer server;

    /** The messages of this lane being read or dispatched; confined to its event loop. */
    final Set<MessageExchange> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());

    Lane(DeliveryEngine engine) {
      this.engine = engine;
      this.context = engine.http().lane();
      this.server =
          loops
              .vertx()
              .createHttpServer(
                  new HttpServerOptions()
                      .setTcpNoDelay(true)
                      .setIdleTimeout(120)
                      .setMaxInitialLineLength(8192)
                      .setMaxHeaderSize(64 * 1024)
                      .setHttp2ClearTextEnabled(false)
                      .setCompressionSupported(false)
                      .setDecompressionSupported(false)
                      .setStrictThreadMode(true)
                      .setSsl(certificate.isPresent())
                      .setKeyCertOptions(certificate.map(DispatchCertificate::options).orElse(null))
                      .setSslEngineOptions(EventLoops.tlsEngine()))
              .connectionHandler(guard::connected)
              .requestHandler(this::handle)
              .invalidRequestHandler(DispatchServer.this::invalid);
    }

    void expireAll(String because) {
      new ArrayList<>(inFlight).forEach(exchange -> exchange.cutShort(because));
    }

    /**
     * Four times a second: a body that has not arrived within the read timeout gets 408, and a
     * message still unanswered well after its deadline (a bug) gets 500. One timer per event loop
     * costs less than two per message.
     */
    void sweep() {
      long now = System.nanoTime();
      new ArrayList<>(inFlight).forEach(exchange -> exchange.checkTimes(now));
    }

    private void handle(HttpServerRequest request) {
      long startNanos = System.nanoTime();
      if (!guard.headReceived(request)) {
        answered(503, startNanos);
        request.response().putHeader(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        answerError(
            request,
            new DispatchException(
                503,
                "the dispatch endpoint has "
                    + settings.maxConnections()
                    + " connections open (its limit); retry on a new connection later"));
        return;
      }
      try {
        route(request);
      } catch (DispatchException e) {
        answered(e.status(), startNanos);
        answerError(request, e);
      } catch (Throwable e) {
        LOG.error("Dispatch request {} {} failed", request.method(), request.path(), e);
        answered(500, startNanos);
        answer(request, 500, error("internal error; see the operator log"));
      }
    }

    private void route(HttpServerRequest request) throws DispatchException {
      String path = request.path();
      Buffer document = documents.get(path);
      if (document != null) {
        requireMethod(request, HttpMethod.GET);
        request
            .response()
            .putHeader(HttpHeaderNames.CONTENT_TYPE, DOCUMENTS.get(path))
            .end(document);
        return;
      }
      DispatchPath target = DispatchPath.parse(path);
      if (target.kind() == DispatchPath.Kind.HISTORY) {
        requireMethod(request, HttpMethod.GET);
        readHistory(request, target);
        return;
      }
      authenticate(request);
      if (!cachesSynced.getAsBoolean()) {
        throw new DispatchException(
            503,
            "the operator is starting: its caches of Mailboxes, rules and Webhooks are not"
                + " synced yet");
      }
      requireMethod(request, HttpMethod.POST);
      String contentType = request.getHeader(HttpHeaderNames.CONTENT_TYPE);
      if (contentType == null
          || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        throw new DispatchException(415, "Content-Type must be application/json");
      }
      long length = contentLength(request);
      if (length > settings.maxBodyBytes()) {
        throw new DispatchException(413, "the body exceeds " + settings.maxBodyBytes() + " bytes");
      }
      if (draining) {
        throw new DispatchException(
            503, "the operator is shutting down; send the message to another replica");
      }
      long reserved = length >= 0 ? length : settings.maxBodyBytes();
      if (!admission.tryAdmitMessage(reserved)) {
        throw new DispatchException(
            503,
            "the operator has "
                + admission.messagesInFlight()
                + " messages in flight (limit "
                + admission.limits().maxMessages()
                + ", "
                + admission.limits().maxBytes()
                + " request bytes); retry later");
      }
      new MessageExchange(this, request, target, reserved).readBody();
    }

    /**
     * The delivery history is read with a Kubernetes identity allowed to get the Webhook; the
     * dispatch token only posts messages.
     */
    private void readHistory(HttpServerRequest request, DispatchPath target)
        throws DispatchException {
      String authorization = request.getHeader(HttpHeaderNames.AUTHORIZATION);
      String bearer =
          DispatchToken.bearer(authorization)
              .orElseThrow(
                  () -> {
                    request.response().putHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
                    return new DispatchException(
                        401,
                        "missing bearer token: read delivery history with a Kubernetes token"
                            + " allowed to get the Webhook");
                  });
      if (token.accepts(authorization)) {
        throw new DispatchException(
            403,
            "the dispatch token posts messages only: read delivery history with a Kubernetes"
                + " token allowed to get the Webhook");
      }
      readAccess
          .mayGetWebhook(bearer, target.namespace(), target.name())
          .thenCompose(
              verdict ->
                  verdict.allowed()
                      ? history
                          .recent(target.namespace(), target.name())
                          .thenApply(deliveries -> historyAnswer(target, deliveries))
                      : CompletableFuture.completedFuture(
                          new Answer(verdict.status(), error(verdict.reason()))))
          .whenComplete(
              (answer, failure) ->
                  context.runOnContext(
                      ignored -> {
                        if (failure == null) {
                          answer(request, answer.status(), answer.body());
                        } else if ((failure instanceof CompletionException
                                ? failure.getCause()
                                : failure)
                            instanceof DeliveryHistory.HistoryUnavailable unavailable) {
                          answer(request, 503, error(unavailable.getMessage()));
                        } else {
                          LOG.error("Reading a delivery history failed", failure);
                          answer(request, 500, error("internal error; see the operator log"));
                        }
                      }));
    }

    private record Answer(int status, Buffer body) {}

    private Answer historyAnswer(DispatchPath target, List<DeliveryRecord> deliveries) {
      return new Answer(
          200,
          Json.write(
              4096,
              json ->
                  Json.WRITER.writeValue(
                      json,
                      Map.of(
                          "webhook",
                          target.namespace() + "/" + target.name(),
                          "deliveries",
                          deliveries))));
    }

    private void authenticate(HttpServerRequest request) throws DispatchException {
      if (!token.configured()) {
        throw new DispatchException(
            503,
            "the dispatch endpoint has no token configured ("
                + OperatorConfig.DISPATCH_TOKEN_FILE
                + ")");
      }
      if (!token.accepts(request.getHeader(HttpHeaderNames.AUTHORIZATION))) {
        request.response().putHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        throw new DispatchException(401, "missing or wrong bearer token");
      }
    }
  }

  /** One posted message, from its body to its answer, on one event loop. */
  private final class MessageExchange {
    private final Lane lane;
    private final HttpServerRequest request;
    private final DispatchPath target;
    private final long reserved;
    private final Buffer body;
    private final long startNanos = System.nanoTime();
    private Message message;
    private Deadline deadline;
    private boolean finished;

    MessageExchange(Lane lane, HttpServerRequest request, DispatchPath target, long reserved) {
      this.lane = lane;
      this.request = request;
      this.target = target;
      this.reserved = reserved;
      this.body = Buffer.buffer((int) Math.min(Math.max(reserved, 256), settings.maxBodyBytes()));
      lane.inFlight.add(this);
    }

    void checkTimes(long nowNanos) {
      long elapsed = nowNanos - startNanos;
      if (deadline == null && elapsed > settings.readTimeout().toNanos()) {
        bodyTimeouts.increment();
        refuse(
            408,
            "the request body did not arrive within " + settings.readTimeout().toSeconds() + " s",
            true);
      } else if (deadline != null
          && elapsed > settings.messageDeadline().plus(WATCHDOG_GRACE).toNanos()) {
        LOG.error("Message {} got no answer within its deadline; answering 500", message.id());
        reply(
            500,
            error("internal error: no answer within the message deadline; see the operator log"));
      }
    }

    void cutShort(String because) {
      if (deadline != null) {
        deadline.expire(because);
      }
    }

    void readBody() {
      request.handler(
          chunk -> {
            if (finished) {
              return;
            }
            if (body.length() + chunk.length() > settings.maxBodyBytes()) {
              refuse(413, "the body exceeds " + settings.maxBodyBytes() + " bytes", true);
            } else {
              body.appendBuffer(chunk);
            }
          });
      request.exceptionHandler(failure -> finish(null));
      request.endHandler(
          ended -> {
            if (!finished) {
              dispatch();
            }
          });
    }

    private void dispatch() {
      try {
        message = parser.parse(body.getBytes());
        deadline = Deadline.in(settings.messageDeadline(), deadlineDescription);
        request.response().closeHandler(closed -> callerLeft());
        Future<DispatchReport> report =
            target.kind() == DispatchPath.Kind.MAILBOX
                ? service.dispatchToMailbox(target.address(), message, lane.engine, deadline)
                : service.dispatchToRule(
                    target.namespace(), target.name(), message, lane.engine, deadline);
        report.onComplete(
            done -> {
              if (done.succeeded()) {
                replyReport(done.result());
              } else if (done.cause() instanceof DispatchException e) {
                replyError(e);
              } else {
                LOG.error("Dispatch of message {} failed", message.id(), done.cause());
                reply(500, error("internal error; see the operator log"));
              }
            });
      } catch (DispatchException e) {
        replyError(e);
      } catch (Throwable e) {
        LOG.error("Dispatch request {} failed", request.path(), e);
        reply(500, error("internal error; see the operator log"));
      }
    }

    private void replyReport(DispatchReport report) {
      Buffer written;
      try {
        written = ReportWriter.write(report);
      } catch (RuntimeException e) {
        LOG.error("The report of message {} could not be written", message.id(), e);
        reply(500, error("internal error; see the operator log"));
        return;
      }
      reply(200, written);
    }

    private void callerLeft() {
      if (!finished) {
        callerDisconnects.increment();
        LOG.warn(
            "The caller of message {} disconnected before the answer; its remaining deliveries are not made",
            message.id());
        deadline.expire("the caller disconnected");
      }
    }

    private void refuse(int status, String message, boolean closeConnection) {
      if (!finished) {
        if (closeConnection) {
          request.response().putHeader(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        reply(status, error(message));
      }
    }

    private void replyError(DispatchException e) {
      reply(e.status(), error(e.getMessage()));
    }

    private void reply(int status, Buffer json) {
      if (finish(json)) {
        answered(status, startNanos);
        answer(request, status, json);
      }
    }

    /** Releases what this message holds, once; false when already done. */
    private boolean finish(Buffer answer) {
      if (finished) {
        return false;
      }
      finished = true;
      lane.inFlight.remove(this);
      admission.messageDone(reserved);
      return answer != null;
    }
  }

  private void answerError(HttpServerRequest request, DispatchException e) {
    if (!request.isEnded()) {
      // The body was not read: close after answering rather than read what may never come.
      request.response().putHeader(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    answer(request, e.status(), error(e.getMessage()));
  }

  /**
   * Counts an answer to a posted message or a refused request, with the time since the request head
   * arrived; the latency alert reads the histogram of status 200.
   */
  private void answered(int status, long startNanos) {
    answerTimers
        .computeIfAbsent(
            status,
            code ->
                Timer.builder("emailgistics_dispatch_requests")
                    .description(
                        "Messages answered by the dispatch endpoint and requests it refused, by"
                            + " HTTP status, with the time from the request to its answer")
                    .tag("status", Integer.toString(code))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(5))
                    .register(metrics))
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /** Requests Vert.x cannot parse (bad request line, oversized headers): 4xx, connection closed. */
  private void invalid(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    int status =
        request.decoderResult().cause() instanceof io.netty.handler.codec.TooLongFrameException
            ? 431
            : 400;
    response.putHeader(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    answered(status, System.nanoTime());
    answer(
        request,
        status,
        error(status == 431 ? "request line or headers too large" : "malformed HTTP request"));
  }

  /** Every answer but the API documents goes through here: a 503 always says when to retry. */
  private void answer(HttpServerRequest request, int status, Buffer json) {
    if (status == 503) {
      request.response().putHeader(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    if (draining) {
      request.response().putHeader(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    write(request, status, json);
  }

  private void write(HttpServerRequest request, int status, Buffer json) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON);
    Future<Void> written = response.end(json);
    if (HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(
        response.headers().get(HttpHeaderNames.CONNECTION))) {
      if (request.isEnded()) {
        written.onComplete(done -> request.connection().close());
      } else {
        discardThenClose(request);
      }
    }
  }

  /**
   * Closing a connection with unread request bytes makes the kernel reset it, and the client may
   * then never see the answer (413, 401...): read and drop what is still coming, within bounds,
   * before closing.
   */
  private void discardThenClose(HttpServerRequest request) {
    long[] discarded = {0};
    long timer =
        loops.vertx().setTimer(DISCARD_GRACE.toMillis(), id -> request.connection().close());
    request.handler(
        chunk -> {
          discarded[0] += chunk.length();
          if (discarded[0] > MAX_DISCARDED_BYTES) {
            loops.vertx().cancelTimer(timer);
            request.connection().close();
          }
        });
    request.endHandler(
        ended -> {
          loops.vertx().cancelTimer(timer);
          request.connection().close();
        });
    request.resume();
  }

  private static void requireMethod(HttpServerRequest request, HttpMethod expected)
      throws DispatchException {
    if (!expected.equals(request.method())) {
      throw new DispatchException(
          405, "method " + request.method() + " is not allowed here; use " + expected);
    }
  }

  private static long contentLength(HttpServerRequest request) throws DispatchException {
    String value = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new DispatchException(400, "Content-Length is not a number: " + value);
    }
  }

  private static Buffer error(String message) {
    return Json.write(
        256,
        json -> {
          json.writeStartObject();
          json.writeStringField("error", message);
          json.writeEndObject();
        });
  }
}
