package com.emailgistics.webhooks;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.delivery.DeliveryEngine;
import com.emailgistics.webhooks.delivery.RetryPolicy;
import com.emailgistics.webhooks.delivery.TestDelivery;
import com.emailgistics.webhooks.delivery.WebhookHttpClient;
import com.emailgistics.webhooks.dispatch.ClusterView;
import com.emailgistics.webhooks.dispatch.DeliveryRecorder;
import com.emailgistics.webhooks.dispatch.DeliverySummaryWriter;
import com.emailgistics.webhooks.dispatch.DispatchServer;
import com.emailgistics.webhooks.dispatch.DispatchService;
import com.emailgistics.webhooks.dispatch.DispatchToken;
import com.emailgistics.webhooks.health.CacheConnectivity;
import com.emailgistics.webhooks.health.HealthServer;
import com.emailgistics.webhooks.reconciler.EventRecorder;
import com.emailgistics.webhooks.reconciler.mailbox.MailboxReconciler;
import com.emailgistics.webhooks.reconciler.rule.MailboxRuleReconciler;
import com.emailgistics.webhooks.reconciler.webhook.WebhookReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole operator: the three controllers on one JOSDK Operator, the dispatch endpoint served
 * from their informer caches, and the health and metrics endpoint.
 */
public final class WebhookOperator implements AutoCloseable {
  static final String LEASE_NAME = "emailgistics-webhooks-operator";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookOperator.class);
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  /** Test deliveries block a reconciler thread for up to the webhook's timeout. */
  private static final int RECONCILIATION_THREADS = 20;
  /** The HTTP client's callbacks and the dispatch handlers only parse and hand over: few threads. */
  private static final int HTTP_THREADS = 4;
  private static final int DISPATCH_HANDLER_THREADS = 4;

  private final AtomicBoolean closing = new AtomicBoolean();
  private final Operator operator;
  private final DispatchServer dispatch;
  private final HealthServer health;
  private final DeliverySummaryWriter summaries;
  private final ExecutorService httpThreads;
  private final ExecutorService handlerThreads;
  private final CacheConnectivity connectivity;
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("connectivity"));

  private WebhookOperator(KubernetesClient client, OperatorConfig config, boolean serverSideApply, Clock clock)
      throws IOException {
    operator = new Operator(overrider -> {
      overrider
          .withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(serverSideApply)
          .withConcurrentReconciliationThreads(RECONCILIATION_THREADS);
      config.leaderElectionNamespace().ifPresent(namespace ->
          overrider.withLeaderElectionConfiguration(leaderElection(namespace)));
    });
    httpThreads = Executors.newFixedThreadPool(HTTP_THREADS, DaemonThreads.named("webhook-http"));
    handlerThreads = Executors.newFixedThreadPool(DISPATCH_HANDLER_THREADS, DaemonThreads.named("dispatch"));
    WebhookHttpClient http = new WebhookHttpClient(OperatorVersion.userAgent(), httpThreads);
    EventRecorder events = new EventRecorder(client, clock);

    WebhookReconciler webhooks = new WebhookReconciler(config, new TestDelivery(http), events, clock);
    MailboxReconciler mailboxes = new MailboxReconciler(config, clock);
    MailboxRuleReconciler rules = new MailboxRuleReconciler(config, clock);
    operator.register(webhooks, override -> restrict(override, config.webhookNamespaces()));
    operator.register(mailboxes, override -> restrict(override, config.mailboxNamespaces()));
    operator.register(rules, override -> restrict(override, config.mailboxNamespaces()));

    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DeliveryRecorder recorder = new DeliveryRecorder(metrics, events, clock);
    DispatchService service = new DispatchService(
        new ClusterView(webhooks, mailboxes, rules), config, new DeliveryEngine(http, new RetryPolicy(clock)), recorder);
    DispatchServer.applyServerLimits(config.dispatchReadTimeout());
    dispatch = new DispatchServer(config.dispatchPort(), service, recorder, new DispatchToken(config.dispatchTokenFile()),
        config.dispatchMaxBodyBytes(), handlerThreads, clock);
    summaries = new DeliverySummaryWriter(client, recorder, replicaName());
    connectivity = new CacheConnectivity(this::informersConnected, clock, metrics);
    health = new HealthServer(config.healthPort(), this::isStarted, this::isReady, metrics::scrape);
  }

  /**
   * Call first thing in a main method. The JDK HTTP client completes every answer on
   * CompletableFuture's default executor, which is the common ForkJoinPool only when its
   * parallelism is at least 2; on 1- and 2-CPU machines and containers it would start a new
   * thread for every delivery.
   */
  public static void prepareJvm() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
  }

  /**
   * @param serverSideApply patch status with server-side apply (production); the fabric8 mock
   *     server does not support it, so tests against it switch it off
   */
  public static WebhookOperator create(
      KubernetesClient client, OperatorConfig config, boolean serverSideApply, Clock clock) {
    if (ForkJoinPool.getCommonPoolParallelism() < 2) {
      LOG.warn("The common ForkJoinPool has parallelism {}: every delivery answer will start a thread."
          + " Call WebhookOperator.prepareJvm() first or set -D{}=2", ForkJoinPool.getCommonPoolParallelism(), COMMON_POOL_PARALLELISM);
    }
    try {
      return new WebhookOperator(client, config, serverSideApply, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the dispatch or health port", e);
    }
  }

  /**
   * JOSDK's default exits the JVM from its stop-leading callback, which deadlocks when that
   * callback runs inside the shutdown hook (SIGTERM during a rollout). Here losing the lease exits
   * from a thread of its own, and a deliberate shutdown does not exit at all.
   */
  private LeaderElectionConfiguration leaderElection(String namespace) {
    return new LeaderElectionConfiguration(LEASE_NAME, namespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null,
        new LeaderCallbacks(() -> {}, this::leadershipLost, leader -> {}),
        false);
  }

  private void leadershipLost() {
    if (!closing.get()) {
      LOG.error("Lost the leader-election lease; exiting so that a fresh replica takes over");
      new Thread(() -> System.exit(1), "exit-after-lost-lease").start();
    }
  }

  private static void restrict(ControllerConfigurationOverrider<?> override, Set<String> namespaces) {
    if (!namespaces.isEmpty()) {
      override.settingNamespaces(namespaces);
    }
  }

  /** The pod name in a cluster (HOSTNAME), the host name elsewhere. */
  private static String replicaName() {
    return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("local");
  }

  /** Starts the health endpoint first (so probes answer), then controllers, then dispatch. */
  public void start() {
    health.start();
    operator.start();
    dispatch.start();
    summaries.start();
    sampler.scheduleAtFixedRate(connectivity::sample, 0, 1, TimeUnit.SECONDS);
  }

  /**
   * Ready to serve dispatch: every informer has synced once. Losing the API server afterwards
   * does not make a replica unready, because dispatch serves from the caches it already holds
   * (their staleness is a metric); otherwise an API server restart would empty the Service.
   */
  public boolean isReady() {
    return operator.getRuntimeInfo().isStarted();
  }

  private boolean informersConnected() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean isStarted() {
    return operator.getRuntimeInfo().isStarted();
  }

  public int dispatchPort() {
    return dispatch.port();
  }

  public int healthPort() {
    return health.port();
  }

  @Override
  public void close() {
    closing.set(true);
    summaries.close();
    dispatch.close();
    operator.stop();
    health.close();
    sampler.shutdownNow();
    httpThreads.shutdownNow();
    handlerThreads.shutdownNow();
  }
}
