package com.emailgistics.webhooks.benchmark;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Lower bounds for the dispatch endpoint: relays that do only what every design must do per message
 * (read an HTTP request, send its body over pooled keep-alive HTTPS to the receiver, answer with
 * the receiver's body), with the same stack choices as the operator (one event loop per core,
 * epoll, OpenSSL with hostname verification). Netty: raw Netty handlers, each incoming connection
 * with its own upstream connection on the same event loop (nginx's upstream keep-alive does the
 * same). Vert.x: Vert.x 5's HTTP server and pooled client, as the operator uses them. Neither
 * parses JSON, evaluates rules or writes a report: what dispatch costs beyond them is the product's
 * own work.
 *
 * <p>Arguments: work directory, mode ({@link Results#RELAY_NETTY} or {@link Results#RELAY_VERTX}),
 * event loops, receiver port, receiver CA file. Writes {@code <mode>.properties} (port) into the
 * work directory.
 */
public final class RelayFloor {
  private static final int MAX_BODY = 1 << 20;

  private RelayFloor() {}

  public static void main(String[] args) throws Exception {
    Path workDir = Path.of(args[0]);
    String mode = args[1];
    int eventLoops = Integer.parseInt(args[2]);
    int receiverPort = Integer.parseInt(args[3]);
    Path caFile = Path.of(args[4]);
    int port = ChildJvm.freePort();
    switch (mode) {
      case Results.RELAY_NETTY -> netty(port, eventLoops, receiverPort, caFile);
      case Results.RELAY_VERTX -> vertx(port, eventLoops, receiverPort, caFile);
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
    Path properties = workDir.resolve(mode + ".properties");
    Path temporary = workDir.resolve(mode + ".properties.tmp");
    Files.writeString(temporary, "port=" + port + "\n");
    Files.move(temporary, properties, StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }

  private static void netty(int port, int eventLoops, int receiverPort, Path caFile)
      throws Exception {
    SslContext tls =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.OPENSSL)
            .trustManager(caFile.toFile())
            .protocols("TLSv1.3", "TLSv1.2")
            .build();
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(eventLoops, EpollIoHandler.newFactory());
    new ServerBootstrap()
        .group(loops)
        .channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 8192)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel channel) {
                channel
                    .pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(MAX_BODY))
                    .addLast(new Downstream(tls, receiverPort));
              }
            })
        .bind("127.0.0.1", port)
        .sync();
  }

  /** One incoming connection, relayed over its own upstream connection. */
  private static final class Downstream extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final SslContext tls;
    private final int receiverPort;
    private Channel upstream;

    Downstream(SslContext tls, int receiverPort) {
      this.tls = tls;
      this.receiverPort = receiverPort;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
      FullHttpRequest relayed =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.POST, request.uri(), request.content().retain());
      relayed
          .headers()
          .set(HttpHeaderNames.HOST, "127.0.0.1:" + receiverPort)
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .set(HttpHeaderNames.CONTENT_LENGTH, relayed.content().readableBytes());
      if (upstream != null) {
        upstream.writeAndFlush(relayed);
        return;
      }
      Channel downstream = context.channel();
      new Bootstrap()
          .group(downstream.eventLoop())
          .channel(EpollSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                  SslHandler ssl = tls.newHandler(channel.alloc(), "127.0.0.1", receiverPort);
                  SSLEngine engine = ssl.engine();
                  SSLParameters parameters = engine.getSSLParameters();
                  parameters.setEndpointIdentificationAlgorithm("HTTPS");
                  engine.setSSLParameters(parameters);
                  channel
                      .pipeline()
                      .addLast(ssl)
                      .addLast(new HttpClientCodec())
                      .addLast(new HttpObjectAggregator(MAX_BODY))
                      .addLast(new Upstream(downstream));
                }
              })
          .connect("127.0.0.1", receiverPort)
          .addListener(
              (ChannelFutureListener)
                  connected -> {
                    if (connected.isSuccess()) {
                      upstream = connected.channel();
                      upstream.writeAndFlush(relayed);
                    } else {
                      relayed.release();
                      downstream.close();
                    }
                  });
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
      if (upstream != null) {
        upstream.close();
      }
    }
  }

  /** Answers the incoming connection with the receiver's answer. */
  private static final class Upstream extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Channel downstream;

    Upstream(Channel downstream) {
      this.downstream = downstream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpResponse response) {
      FullHttpResponse answer =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, response.status(), response.content().retain());
      answer
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .set(HttpHeaderNames.CONTENT_LENGTH, answer.content().readableBytes());
      downstream.writeAndFlush(answer);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
      downstream.close();
    }
  }

  private static void relay(HttpServerRequest request, HttpClient client) {
    request
        .body()
        .compose(
            body ->
                client
                    .request(io.vertx.core.http.HttpMethod.POST, request.uri())
                    .compose(
                        upstream ->
                            upstream.putHeader("Content-Type", "application/json").send(body)))
        .compose(HttpClientResponse::body)
        .onSuccess(
            answer -> request.response().putHeader("Content-Type", "application/json").end(answer))
        .onFailure(failure -> request.response().setStatusCode(502).end());
  }

  private static void vertx(int port, int eventLoops, int receiverPort, Path caFile)
      throws Exception {
    Vertx vertx =
        Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1));
    HttpClientOptions clientOptions =
        new HttpClientOptions()
            .setSsl(true)
            .setVerifyHost(true)
            .setDefaultHost("127.0.0.1")
            .setDefaultPort(receiverPort)
            .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
            .setSslEngineOptions(new OpenSSLEngineOptions())
            .setTrustOptions(new PemTrustOptions().addCertPath(caFile.toString()))
            .setKeepAlive(true);
    HttpServerOptions serverOptions =
        new HttpServerOptions().setHost("127.0.0.1").setPort(port).setAcceptBacklog(8192);
    vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    HttpClient client =
                        vertx.createHttpClient(
                            clientOptions, new PoolOptions().setHttp1MaxSize(64));
                    return vertx
                        .createHttpServer(serverOptions)
                        .requestHandler(request -> relay(request, client))
                        .listen();
                  }
                },
            new DeploymentOptions().setInstances(eventLoops))
        .toCompletionStage()
        .toCompletableFuture()
        .get();
  }
}
