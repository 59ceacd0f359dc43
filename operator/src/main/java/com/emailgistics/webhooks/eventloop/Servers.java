package com.emailgistics.webhooks.eventloop;

import com.emailgistics.webhooks.config.StartupException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.net.BindException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Binding servers at start-up, with failures that name the port and the setting. */
public final class Servers {
  private Servers() {}

  /**
   * Waits until {@code listening} (a server binding {@code port}) is bound.
   *
   * @param setting the environment variable that chooses this port, named in the error
   */
  public static void await(Future<HttpServer> listening, int port, String setting) {
    try {
      listening.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      // The JDK says BindException, Netty's native transport "Address already in use".
      if (cause instanceof BindException
          || String.valueOf(cause.getMessage()).contains("Address already in use")) {
        throw new StartupException(
            "port "
                + port
                + " is already in use; stop what holds it or choose another port with "
                + setting,
            cause);
      }
      throw new StartupException(
          "cannot listen on port " + port + " (" + setting + "): " + cause, cause);
    } catch (TimeoutException e) {
      throw new StartupException(
          "listening on port " + port + " (" + setting + ") did not complete within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while binding port " + port, e);
    }
  }
}
