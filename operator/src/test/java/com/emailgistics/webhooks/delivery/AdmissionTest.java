package com.emailgistics.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.eventloop.EventLoops;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private static final EventLoops LOOPS = EventLoops.start("test", 1);
  private static final Context LANE = LOOPS.lanes().get(0);

  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final Admission admission = new Admission(new Admission.Limits(10, 1000, 3, 1), metrics);

  @AfterAll
  static void stop() {
    LOOPS.close();
  }

  @Test
  void aWebhookAtItsLimitWithDeliveriesWaitingDoesNotBlockOtherWebhooks() {
    Admission.Slot slowA = admission.tryAcquire("a");
    Admission.Waiting waitingForA = admission.acquire("a", LANE);

    Admission.Slot forB = admission.tryAcquire("b");

    assertThat(slowA).isNotNull();
    assertThat(waitingForA.slot().isComplete()).isFalse();
    assertThat(forB).isNotNull();
    assertThat(admission.tryAcquire("a")).isNull();
    assertThat(refusals("webhook_deliveries_in_flight")).isEqualTo(1);
  }

  @Test
  void theOverallLimitRefusesEveryWebhookAndIsCountedAsSuch() {
    admission.tryAcquire("a");
    admission.tryAcquire("b");
    admission.tryAcquire("c");

    assertThat(admission.tryAcquire("d")).isNull();
    assertThat(refusals("deliveries_in_flight")).isEqualTo(1);
    assertThat(refusals("webhook_deliveries_in_flight")).isZero();
  }

  @Test
  void aReleasedSlotGoesToTheFirstWaiterThatFitsAndACancelledWaiterGetsNone() throws Exception {
    Admission.Slot a = admission.tryAcquire("a");
    Admission.Waiting first = admission.acquire("a", LANE);
    Admission.Waiting second = admission.acquire("a", LANE);

    assertThat(second.cancel()).isTrue();
    a.release();

    Admission.Slot granted =
        first.slot().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(granted).isNotNull();
    assertThat(second.slot().isComplete()).isFalse();
    assertThat(first.cancel()).as("already granted").isFalse();
    assertThat(admission.deliveriesInFlight()).isEqualTo(1);
    assertThat(admission.deliveriesWaiting()).isZero();
    granted.release();
    granted.release();
    assertThat(admission.deliveriesInFlight()).as("a slot released twice counts once").isZero();
  }

  @Test
  void messagesAreRefusedByCountAndByBytes() {
    assertThat(admission.tryAdmitMessage(900)).isTrue();
    assertThat(admission.tryAdmitMessage(200)).isFalse();
    admission.messageDone(900);
    assertThat(admission.tryAdmitMessage(1000)).isTrue();
    assertThat(refusals("bytes_in_flight")).isEqualTo(1);
  }

  private double refusals(String limit) {
    return metrics.get("emailgistics_admission_refusals").tag("limit", limit).counter().count();
  }
}
