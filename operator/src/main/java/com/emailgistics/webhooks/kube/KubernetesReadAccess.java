package com.emailgistics.webhooks.kube;

import com.emailgistics.webhooks.DaemonThreads;
import com.emailgistics.webhooks.Digests;
import com.emailgistics.webhooks.dispatch.ReadAccess;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read access as kube-rbac-proxy grants it: a TokenReview authenticates the bearer token, a
 * SubjectAccessReview asks whether that user may `get` the Webhook. Decisions are cached for a few
 * seconds by a digest of the token (never the token itself), so a dashboard polling the history
 * costs the API server two reviews per token and Webhook every {@link #REMEMBERED}.
 */
public final class KubernetesReadAccess implements ReadAccess {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesReadAccess.class);
  static final Duration REMEMBERED = Duration.ofSeconds(10);
  private static final int MAX_REMEMBERED = 10_000;
  private static final int REVIEWS_WAITING = 100;
  private static final String GROUP = "webhooks.emailgistics.com";

  private final KubernetesClient client;
  private final ThreadPoolExecutor reviews =
      new ThreadPoolExecutor(
          2,
          2,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(REVIEWS_WAITING),
          DaemonThreads.named("access-review"));
  private final Map<String, Remembered> decisions = new ConcurrentHashMap<>();
  private final Counter unauthenticated;
  private final Counter forbidden;

  private record Remembered(Verdict verdict, long expiresNanos) {}

  public KubernetesReadAccess(KubernetesClient client, MeterRegistry metrics) {
    this.client = client;
    this.unauthenticated = denials(metrics, "unauthenticated");
    this.forbidden = denials(metrics, "forbidden");
  }

  private static Counter denials(MeterRegistry metrics, String reason) {
    return Counter.builder("emailgistics_read_denials")
        .description("Requests to the read API (delivery history) refused, by reason")
        .tag("reason", reason)
        .register(metrics);
  }

  @Override
  public CompletionStage<Verdict> mayGetWebhook(String token, String namespace, String name) {
    String key = digest(token) + " " + namespace + "/" + name;
    Remembered remembered = decisions.get(key);
    if (remembered != null && remembered.expiresNanos() - System.nanoTime() > 0) {
      return CompletableFuture.completedFuture(counted(remembered.verdict()));
    }
    try {
      return CompletableFuture.supplyAsync(() -> review(token, namespace, name), reviews)
          .thenApply(
              verdict -> {
                if (verdict.status() != 503) {
                  remember(key, verdict);
                }
                return counted(verdict);
              });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          Verdict.unavailable(REVIEWS_WAITING + " reviews are already waiting"));
    }
  }

  private Verdict review(String token, String namespace, String name) {
    try {
      TokenReview authenticated =
          client
              .authentication()
              .v1()
              .tokenReviews()
              .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
      if (authenticated.getStatus() == null
          || !Boolean.TRUE.equals(authenticated.getStatus().getAuthenticated())) {
        return Verdict.unauthenticated();
      }
      UserInfo user = authenticated.getStatus().getUser();
      SubjectAccessReview access =
          client
              .authorization()
              .v1()
              .subjectAccessReview()
              .create(
                  new SubjectAccessReviewBuilder()
                      .withNewSpec()
                      .withUser(user.getUsername())
                      .withGroups(user.getGroups())
                      .withUid(user.getUid())
                      .withExtra(
                          user.getExtra() == null
                              ? Map.<String, List<String>>of()
                              : user.getExtra())
                      .withNewResourceAttributes()
                      .withGroup(GROUP)
                      .withResource("webhooks")
                      .withVerb("get")
                      .withNamespace(namespace)
                      .withName(name)
                      .endResourceAttributes()
                      .endSpec()
                      .build());
      return access.getStatus() != null && Boolean.TRUE.equals(access.getStatus().getAllowed())
          ? Verdict.ALLOWED
          : Verdict.forbidden(user.getUsername(), namespace, name);
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Reviewing a read request failed: HTTP {} {}",
          e.getCode(),
          e.getStatus() == null ? "" : e.getStatus().getMessage());
      return Verdict.unavailable("the API server answered " + e.getCode());
    }
  }

  private Verdict counted(Verdict verdict) {
    if (verdict.status() == 401) {
      unauthenticated.increment();
    } else if (verdict.status() == 403) {
      forbidden.increment();
    }
    return verdict;
  }

  private void remember(String key, Verdict verdict) {
    if (decisions.size() >= MAX_REMEMBERED) {
      long now = System.nanoTime();
      decisions.values().removeIf(entry -> entry.expiresNanos() - now <= 0);
      if (decisions.size() >= MAX_REMEMBERED) {
        decisions.clear();
      }
    }
    decisions.put(key, new Remembered(verdict, System.nanoTime() + REMEMBERED.toNanos()));
  }

  private static String digest(String token) {
    return HexFormat.of().formatHex(Digests.sha256(token));
  }
}
