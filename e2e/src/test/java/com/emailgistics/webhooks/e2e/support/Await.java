package com.emailgistics.webhooks.e2e.support;

import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting for what the operator reports, with messages that say what was last seen. */
public final class Await {
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Await() {}

  /** The conditions of a Webhook, Mailbox or MailboxRule (empty when it has no status yet). */
  public static List<StatusCondition> conditions(HasMetadata object) {
    if (object instanceof Webhook webhook && webhook.getStatus() != null) {
      return webhook.getStatus().getConditions();
    }
    if (object instanceof Mailbox mailbox && mailbox.getStatus() != null) {
      return mailbox.getStatus().getConditions();
    }
    if (object instanceof MailboxRule rule && rule.getStatus() != null) {
      return rule.getStatus().getConditions();
    }
    return List.of();
  }

  public static Optional<StatusCondition> condition(HasMetadata object, String type) {
    return conditions(object).stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * Waits until the object's condition {@code type} satisfies {@code check}; returns the object.
   */
  public static <T extends HasMetadata> T condition(
      KubernetesClient client,
      Class<T> kind,
      String namespace,
      String name,
      String type,
      Predicate<StatusCondition> check) {
    return object(
        client,
        kind,
        namespace,
        name,
        object -> condition(object, type).filter(check).isPresent(),
        kind.getSimpleName() + " " + namespace + "/" + name + " condition " + type);
  }

  /** Waits until {@code type} has {@code status} and {@code reason}; returns the object. */
  public static <T extends HasMetadata> T condition(
      KubernetesClient client,
      Class<T> kind,
      String namespace,
      String name,
      String type,
      String status,
      String reason) {
    return condition(
        client,
        kind,
        namespace,
        name,
        type,
        c -> status.equals(c.getStatus()) && reason.equals(c.getReason()));
  }

  public static <T extends HasMetadata> T object(
      KubernetesClient client,
      Class<T> kind,
      String namespace,
      String name,
      Predicate<T> check,
      String what) {
    Supplier<T> get = () -> client.resources(kind).inNamespace(namespace).withName(name).get();
    try {
      return await(what)
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(get::get, object -> object != null && check.test(object));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      T last = null;
      try {
        last = get.get();
      } catch (RuntimeException ignored) {
        // reported below as null
      }
      throw new AssertionError(
          what
              + ": not reached within "
              + TIMEOUT
              + "; last seen conditions: "
              + (last == null ? "(object missing)" : conditions(last)),
          e);
    }
  }

  /** Waits until {@code supplier} satisfies {@code check}. */
  public static <T> T until(String what, Supplier<T> supplier, Predicate<T> check) {
    return await(what)
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(supplier::get, check);
  }
}
