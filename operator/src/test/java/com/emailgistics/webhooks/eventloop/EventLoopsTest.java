package com.emailgistics.webhooks.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopsTest {

  @Test
  void eachLaneRunsOnItsOwnEventLoopThread() throws Exception {
    try (EventLoops loops = EventLoops.start("test", 3)) {
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      for (Context lane : loops.lanes()) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        lane.runOnContext(
            ignored -> {
              threads.add(Thread.currentThread());
              ran.complete(null);
            });
        ran.get(5, TimeUnit.SECONDS);
      }

      assertThat(loops.lanes()).hasSize(3);
      assertThat(threads).hasSize(3);
    }
  }
}
