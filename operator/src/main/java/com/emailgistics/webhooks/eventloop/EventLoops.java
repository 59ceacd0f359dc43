package com.emailgistics.webhooks.eventloop;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x instance with a fixed number of event loops, each exposed as a {@link Context} ("lane").
 * The dispatch server and the delivery client of one lane share its event loop, so a message is
 * read, matched, delivered and answered on one thread without hand-offs. Native epoll and OpenSSL
 * are used when their libraries load; otherwise NIO and the JDK's TLS engine (logged at start).
 */
public final class EventLoops implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);

  private static final long HEARTBEAT_MILLIS = 1000;

  private final Vertx vertx;
  private final List<Context> lanes;
  private final AtomicLongArray lastBeat;

  private EventLoops(Vertx vertx, List<Context> lanes) {
    this.vertx = vertx;
    this.lanes = List.copyOf(lanes);
    this.lastBeat = new AtomicLongArray(lanes.size());
    for (int i = 0; i < lanes.size(); i++) {
      int lane = i;
      lastBeat.set(lane, System.nanoTime());
      lanes
          .get(lane)
          .runOnContext(
              ignored ->
                  vertx.setPeriodic(HEARTBEAT_MILLIS, id -> lastBeat.set(lane, System.nanoTime())));
    }
  }

  /**
   * @param name what these event loops serve, for the log
   * @param count event loops; each is one lane
   */
  public static EventLoops start(String name, int count) {
    VertxOptions options =
        new VertxOptions()
            .setEventLoopPoolSize(count)
            // Nothing here blocks on purpose: no worker threads beyond Vert.x's minimum.
            .setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1)
            .setPreferNativeTransport(true)
            .setBlockedThreadCheckInterval(2)
            .setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS)
            .setMaxEventLoopExecuteTime(200)
            .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS);
    VertxInternal vertx = (VertxInternal) Vertx.builder().with(options).build();
    // One context per event loop, named explicitly: Vert.x 5 gives every context created from a
    // thread outside Vert.x the same ("sticky") event loop.
    List<Context> lanes = new ArrayList<>();
    for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
      lanes.add(
          vertx
              .contextBuilder()
              .withThreadingModel(ThreadingModel.EVENT_LOOP)
              .withEventLoop((EventLoop) loop)
              .build());
    }
    LOG.info(
        "{}: {} event loop(s), {} transport",
        name,
        count,
        vertx.isNativeTransportEnabled() ? "native epoll" : "NIO");
    return new EventLoops(vertx, lanes);
  }

  public Vertx vertx() {
    return vertx;
  }

  public List<Context> lanes() {
    return lanes;
  }

  /**
   * Whether every event loop has run a task within {@code limit}: an event loop stuck in a task (a
   * bug) makes the process not alive, so Kubernetes restarts it.
   */
  public boolean responsive(Duration limit) {
    long now = System.nanoTime();
    for (int i = 0; i < lastBeat.length(); i++) {
      if (now - lastBeat.get(i) > limit.toNanos()) {
        return false;
      }
    }
    return true;
  }

  /**
   * OpenSSL (BoringSSL via netty-tcnative) when its native library loads, else the JDK's engine;
   * logs the choice once.
   */
  public static SSLEngineOptions tlsEngine() {
    return TlsEngine.CHOICE;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  public void close(Duration timeout) {
    Future<Void> closed = vertx.close();
    try {
      closed
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.debug("Vert.x did not close within {}: {}", timeout, e.toString());
    }
  }

  private static final class TlsEngine {
    static final SSLEngineOptions CHOICE = choose();

    private static SSLEngineOptions choose() {
      if (OpenSSLEngineOptions.isAvailable()) {
        LOG.info("TLS through OpenSSL (netty-tcnative BoringSSL)");
        return new OpenSSLEngineOptions();
      }
      LOG.warn(
          "OpenSSL (netty-tcnative) cannot be loaded on this platform; TLS through the JDK's engine");
      return new JdkSSLEngineOptions();
    }
  }
}
