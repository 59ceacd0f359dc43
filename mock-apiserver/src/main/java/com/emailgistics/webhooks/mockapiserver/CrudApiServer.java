package com.emailgistics.webhooks.mockapiserver;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * The fabric8 mock API server in CRUD mode over HTTPS (self-signed), as
 * {@code @EnableKubernetesMockClient(crud = true)} starts it. Callers in another class loader use
 * only {@link #start()}, {@link #url()} and {@link #close()}, whose types are the JDK's.
 */
public final class CrudApiServer implements AutoCloseable {
  private final KubernetesMockServer server;

  private CrudApiServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            true);
    server.init();
  }

  public static CrudApiServer start() {
    return new CrudApiServer();
  }

  /** The https:// base URL. */
  public String url() {
    return server.url("/");
  }

  /** Drops the requests the server recorded (it keeps every one), e.g. before measuring memory. */
  public void forgetRequests() throws InterruptedException {
    while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
      // taken and dropped
    }
  }

  @Override
  public void close() {
    server.destroy();
  }
}
