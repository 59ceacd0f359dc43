package com.emailgistics.webhooks.eventloop;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps slow or numerous clients from holding a server's resources. Beyond {@code maxConnections}
 * open connections a new connection's first request is answered 503 and the connection closed (so
 * the client learns why; up to twice the limit, beyond which connections are closed at once). A
 * request head must arrive completely within {@code headTimeout} of its first byte, or the
 * connection gets a 408 and is closed. An idle kept-alive connection is not timed here (the
 * server's idle timeout is); a client trickling a header line per second is.
 *
 * <p>The head timer needs the first byte, which Vert.x does not report, so a small Netty handler is
 * put in front of each connection's pipeline (Vert.x's ConnectionBase gives the channel).
 */
public final class ConnectionGuard {
  private static final AttributeKey<HeadTimer> HEAD_TIMER =
      AttributeKey.valueOf("emailgistics-head-timer");
  private static final AttributeKey<Boolean> OVER_LIMIT =
      AttributeKey.valueOf("emailgistics-over-limit");
  private static final byte[] REQUEST_TIMEOUT =
      ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
              + "Connection: close\r\nContent-Length: 60\r\n\r\n"
              + "{\"error\":\"the request head did not arrive in time; closed\"}\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final int maxConnections;
  private final long headTimeoutMillis;
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder refused = new LongAdder();
  private final LongAdder headTimeouts = new LongAdder();

  public ConnectionGuard(int maxConnections, Duration headTimeout) {
    this.maxConnections = maxConnections;
    this.headTimeoutMillis = headTimeout.toMillis();
  }

  /** For {@code HttpServer.connectionHandler}. */
  public void connected(HttpConnection connection) {
    int count = open.incrementAndGet();
    if (count > 2 * maxConnections) {
      open.decrementAndGet();
      refused.increment();
      connection.close();
      return;
    }
    connection.closeHandler(closed -> open.decrementAndGet());
    Channel channel = channel(connection);
    if (channel != null) {
      if (count > maxConnections) {
        channel.attr(OVER_LIMIT).set(Boolean.TRUE);
      }
      HeadTimer timer = new HeadTimer();
      channel.attr(HEAD_TIMER).set(timer);
      channel.pipeline().addFirst("emailgistics-head-timer", timer);
    }
  }

  /**
   * Call when a request's head has been parsed. False when the request came on a connection beyond
   * the limit: answer it 503 and close the connection.
   */
  public boolean headReceived(HttpServerRequest request) {
    Channel channel = channel(request.connection());
    HeadTimer timer = channel == null ? null : channel.attr(HEAD_TIMER).get();
    if (timer != null) {
      timer.headComplete();
      request.response().endHandler(ended -> timer.readyForNextHead());
    }
    if (channel != null && channel.hasAttr(OVER_LIMIT)) {
      refused.increment();
      return false;
    }
    return true;
  }

  public int openConnections() {
    return open.get();
  }

  public long refusedConnections() {
    return refused.sum();
  }

  public long headTimeouts() {
    return headTimeouts.sum();
  }

  private static Channel channel(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel() : null;
  }

  /** Starts at the first byte of a request head, stops when Vert.x has parsed the head. */
  private final class HeadTimer extends ChannelInboundHandlerAdapter {
    private boolean awaitingHead = true;
    private ScheduledFuture<?> deadline;
    private ChannelHandlerContext context;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (awaitingHead && deadline == null && msg instanceof ByteBuf bytes && bytes.isReadable()) {
        deadline = ctx.executor().schedule(this::expire, headTimeoutMillis, TimeUnit.MILLISECONDS);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      cancel();
      ctx.fireChannelInactive();
    }

    void headComplete() {
      awaitingHead = false;
      cancel();
    }

    void readyForNextHead() {
      awaitingHead = true;
    }

    private void cancel() {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }

    private void expire() {
      deadline = null;
      if (awaitingHead && context.channel().isActive()) {
        headTimeouts.increment();
        context
            .writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
