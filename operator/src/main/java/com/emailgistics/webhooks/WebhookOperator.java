package com.emailgistics.webhooks;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.config.StartupException;
import com.emailgistics.webhooks.delivery.Admission;
import com.emailgistics.webhooks.delivery.DeliveryEngine;
import com.emailgistics.webhooks.delivery.EgressPolicy;
import com.emailgistics.webhooks.delivery.RetryPolicy;
import com.emailgistics.webhooks.delivery.TestDeliveries;
import com.emailgistics.webhooks.delivery.WebhookHttpClient;
import com.emailgistics.webhooks.dispatch.DeliveryRecorder;
import com.emailgistics.webhooks.dispatch.DispatchServer;
import com.emailgistics.webhooks.dispatch.DispatchService;
import com.emailgistics.webhooks.dispatch.DispatchToken;
import com.emailgistics.webhooks.dispatch.RuleProblemLog;
import com.emailgistics.webhooks.dispatch.StatusSummaryWriter;
import com.emailgistics.webhooks.eventloop.EventLoops;
import com.emailgistics.webhooks.health.CacheConnectivity;
import com.emailgistics.webhooks.health.HealthServer;
import com.emailgistics.webhooks.kube.ClusterDeliveryHistory;
import com.emailgistics.webhooks.kube.EventRecorder;
import com.emailgistics.webhooks.kube.Informers;
import com.emailgistics.webhooks.kube.KubernetesReadAccess;
import com.emailgistics.webhooks.kube.LeanItemStore;
import com.emailgistics.webhooks.reconciler.Leadership;
import com.emailgistics.webhooks.reconciler.ReconcileErrors;
import com.emailgistics.webhooks.reconciler.StatusWriter;
import com.emailgistics.webhooks.reconciler.mailbox.MailboxReconciler;
import com.emailgistics.webhooks.reconciler.rule.MailboxRuleReconciler;
import com.emailgistics.webhooks.reconciler.webhook.WebhookReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole operator: the control plane (three controllers on one JOSDK Operator, reconciling while
 * this replica leads) and the data plane (the dispatch endpoint and the delivery client on a few
 * event loops, served from the informer caches on every replica), plus the health and metrics
 * endpoint on an event loop of its own.
 */
public final class WebhookOperator implements AutoCloseable {
  static final String LEASE_NAME = "emailgistics-webhooks-operator";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookOperator.class);

  /**
   * Reconcilers only read caches and write status (test deliveries run on the event loops), so a
   * thread mostly waits for the API server's answer to a status write. Measured with 21,000 new
   * objects on a 2-core machine: 84 s until all were Ready with 4 threads, 65–77 s with 16, with
   * the machine's CPU then saturated by the API server and the operator together.
   */
  private static final int RECONCILIATION_THREADS = 16;

  /** An event loop that has not run a task for this long makes the process not alive. */
  private static final Duration UNRESPONSIVE = Duration.ofSeconds(10);

  /**
   * Every object is reconciled again this often, as a safety net for missed events. JOSDK's own
   * maximum reconciliation interval is off in the reconcilers: it schedules a timer task at every
   * reconciliation, and the cancelled ones stay in the timer's queue until they are due, so with
   * its default of 10 hours a busy operator holds hundreds of thousands of them.
   */
  static final Duration RESYNC = Duration.ofHours(10);

  /** How often the dispatch certificate files are checked for a renewal. */
  private static final Duration CERTIFICATE_CHECK = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Operator operator;
  private final Leadership leadership;
  private final EventLoops dataPlane;
  private final DispatchToken token;
  private final DispatchServer dispatch;
  private final HealthServer health;
  private final StatusSummaryWriter summaries;
  private final ClusterDeliveryHistory history;
  private final CacheConnectivity connectivity;
  private final DispatchService service;
  private final InformerClusterView cluster;
  private final WebhookReconciler webhooks;
  private final List<DeliveryEngine> engines;
  private final Runnable reconcileAll;
  private final ExecutorService testCompletions =
      Executors.newSingleThreadExecutor(DaemonThreads.named("test-results"));
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("connectivity"));

  private WebhookOperator(
      KubernetesClient client, OperatorConfig config, boolean serverSideApply, Clock clock) {
    this.client = client;
    this.config = config;
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The JVM's own figures (heap, GC, threads, CPU), which sizing and the dashboard read.
    new JvmMemoryMetrics().bindTo(metrics);
    gcMetrics.bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    leadership =
        config
            .leaderElectionNamespace()
            .map(namespace -> Leadership.elect(client, namespace, LEASE_NAME, identity()))
            .orElseGet(Leadership::always);
    operator =
        new Operator(
            overrider ->
                overrider
                    .withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(serverSideApply)
                    .withConcurrentReconciliationThreads(RECONCILIATION_THREADS)
                    // Per kind and controller, not per object: 100,000 rules, a few series.
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics)));

    OperatorConfig.Dispatch dispatchSettings = config.dispatch();
    OperatorConfig.Delivery delivery = config.delivery();
    dataPlane = EventLoops.start("data plane", dispatchSettings.eventLoops());
    Admission admission =
        new Admission(
            new Admission.Limits(
                dispatchSettings.maxMessagesInFlight(),
                dispatchSettings.maxBytesInFlight(),
                delivery.maxInFlight(),
                delivery.maxInFlightPerWebhook()),
            metrics);
    int lanes = dataPlane.lanes().size();
    WebhookHttpClient.ClientSettings clientSettings =
        new WebhookHttpClient.ClientSettings(
            Math.max(1, (delivery.maxConnectionsPerEndpoint() + lanes - 1) / lanes),
            delivery.http2(),
            delivery.maxInFlight(),
            EventLoops.tlsEngine(),
            new EgressPolicy(delivery.deniedRanges(), delivery.allowedRanges()));
    engines =
        dataPlane.lanes().stream()
            .map(
                lane ->
                    new DeliveryEngine(
                        new WebhookHttpClient(lane, OperatorVersion.userAgent(), clientSettings),
                        new RetryPolicy(clock)))
            .toList();

    EventRecorder events = new EventRecorder(client, clock);
    webhooks =
        new WebhookReconciler(
            config,
            new TestDeliveries(engines, admission),
            events,
            leadership,
            testCompletions,
            new ReconcileErrors(metrics, WebhookReconciler.NAME, clock),
            StatusWriter.PATCH,
            clock);
    MailboxReconciler mailboxes =
        new MailboxReconciler(
            config,
            leadership,
            new ReconcileErrors(metrics, MailboxReconciler.NAME, clock),
            StatusWriter.PATCH,
            clock);
    MailboxRuleReconciler rules =
        new MailboxRuleReconciler(
            config,
            leadership,
            new ReconcileErrors(metrics, MailboxRuleReconciler.NAME, clock),
            StatusWriter.PATCH,
            clock);
    cluster = new InformerClusterView(webhooks, mailboxes, rules);
    operator.register(
        webhooks,
        override -> configure(override, config.webhookNamespaces(), LeanItemStore.Listener.none()));
    operator.register(
        mailboxes,
        override -> configure(override, config.mailboxNamespaces(), cluster::mailboxStored));
    operator.register(
        rules, override -> configure(override, config.mailboxNamespaces(), cluster::ruleStored));
    reconcileAll =
        () -> {
          webhooks.reconcileAll();
          mailboxes.reconcileAll();
          rules.reconcileAll();
        };
    leadership.onElected(reconcileAll);

    history = new ClusterDeliveryHistory(client);
    DeliveryRecorder recorder =
        new DeliveryRecorder(metrics, events, history, replicaName(), clock);
    RuleProblemLog problems = new RuleProblemLog(events, clock);
    service =
        new DispatchService(
            cluster, config.webhooksEnabled(), admission, recorder, problems, metrics);
    token = new DispatchToken(dispatchSettings.tokenFile());
    dispatch =
        new DispatchServer(
            dataPlane,
            engines,
            service,
            history,
            token,
            new KubernetesReadAccess(client, metrics),
            admission,
            dispatchSettings,
            this::cachesSynced,
            metrics,
            clock);
    summaries = new StatusSummaryWriter(client, recorder, problems, replicaName());
    connectivity = new CacheConnectivity(this::informersConnected, clock, metrics);
    health = new HealthServer(config.healthPort(), this::isAlive, this::isReady, metrics::scrape);
    Gauge.builder("emailgistics_ready", this, operator -> operator.isReady() ? 1 : 0)
        .description(
            "1 while this replica is ready to serve dispatch (what /readyz answers), else 0")
        .register(metrics);
    ClusterGauges.register(metrics, webhooks, mailboxes, rules);
  }

  public static WebhookOperator create(
      KubernetesClient client, OperatorConfig config, boolean serverSideApply, Clock clock) {
    return new WebhookOperator(client, config, serverSideApply, clock);
  }

  /**
   * Every controller's informer as {@link Informers} sets them up, in {@code namespaces} if any,
   * telling {@code listener} of every change to its store.
   */
  private static <R extends HasMetadata> void configure(
      ControllerConfigurationOverrider<R> override,
      Set<String> namespaces,
      LeanItemStore.Listener<R> listener) {
    Informers.configure(override, listener);
    if (!namespaces.isEmpty()) {
      override.settingNamespaces(namespaces);
    }
  }

  /** The pod name in a cluster (HOSTNAME), the host name elsewhere. */
  private static String replicaName() {
    return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("local");
  }

  /** The leader-election identity: the pod name, or a random one. */
  private static String identity() {
    return Optional.ofNullable(System.getenv("HOSTNAME"))
        .filter(name -> !name.isBlank())
        .orElseGet(() -> UUID.randomUUID().toString());
  }

  /**
   * Binds both ports (so that a port in use fails at once), checks the token file and the API
   * server, starts the informers and waits until they have synced, then competes for leadership.
   *
   * @throws StartupException with a one-line cause that names the setting to change
   */
  public void start() {
    token.checkReadable();
    health.start();
    dispatch.start();
    checkApiServer();
    try {
      operator.start();
    } catch (RuntimeException e) {
      throw startupFailure(e);
    }
    leadership.start();
    summaries.start();
    history.start();
    sampler.scheduleAtFixedRate(connectivity::sample, 0, 1, TimeUnit.SECONDS);
    sampler.scheduleWithFixedDelay(
        dispatch::reloadCertificate,
        CERTIFICATE_CHECK.toSeconds(),
        CERTIFICATE_CHECK.toSeconds(),
        TimeUnit.SECONDS);
    sampler.scheduleWithFixedDelay(this::forgetDeleted, 1, 1, TimeUnit.MINUTES);
    sampler.scheduleWithFixedDelay(
        reconcileAll, RESYNC.toMinutes(), RESYNC.toMinutes(), TimeUnit.MINUTES);
  }

  /**
   * Derived state (compiled rules, decoded tokens, test results, delivery tallies and meters) of
   * deleted objects goes too: every minute, or at once when called.
   */
  public void forgetDeleted() {
    try {
      service.forgetDeleted();
      cluster.forgetDeletedAddresses();
      webhooks.forgetDeleted();
      Set<String> caBundles = service.caBundlesInUse();
      engines.forEach(engine -> engine.http().retainCaBundles(caBundles));
    } catch (RuntimeException e) {
      LOG.warn("Could not prune the caches of deleted objects: {}", e.toString());
    }
  }

  /** A few quick tries, not the client's long back-off: a wrong kubeconfig should fail at once. */
  private void checkApiServer() {
    Config quick =
        new ConfigBuilder(client.getConfiguration())
            .withRequestRetryBackoffLimit(3)
            .withRequestRetryBackoffInterval(500)
            .build();
    try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(quick).build()) {
      probe.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      throw new StartupException(
          "cannot reach the Kubernetes API server at "
              + client.getMasterUrl()
              + ": "
              + rootCause(e)
              + " (out of a cluster the operator uses the current context of KUBECONFIG or ~/.kube/config;"
              + " in a cluster, the pod's service account)",
          e);
    }
  }

  private static StartupException startupFailure(RuntimeException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException k && k.getCode() == 404) {
        return new StartupException(
            "the custom resource definitions are not installed (404 from the API server):"
                + " run kubectl apply --server-side -f crds/",
            e);
      }
      if (cause instanceof KubernetesClientException k && k.getCode() == 403) {
        return new StartupException(
            "the operator may not watch its resources: "
                + k.getMessage()
                + " (grant the RBAC of the Helm chart, or restrict "
                + OperatorConfig.WEBHOOK_NAMESPACES
                + " and "
                + OperatorConfig.MAILBOX_NAMESPACES
                + " to namespaces it may read)",
            e);
      }
    }
    return new StartupException("the informers could not start: " + rootCause(e), e);
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /** Every informer has synced once: dispatch can answer from the caches. */
  private boolean cachesSynced() {
    return operator.getRuntimeInfo().isStarted();
  }

  /**
   * Ready to serve dispatch: the caches have synced and no drain has begun. Losing the API server
   * afterwards does not make a replica unready, because dispatch serves from the caches it holds
   * (their staleness is a metric); otherwise an API server restart would empty the Service.
   */
  public boolean isReady() {
    return cachesSynced() && !dispatch.draining();
  }

  /** Alive while the data plane's event loops run their tasks; true while the informers sync. */
  public boolean isAlive() {
    return dataPlane.responsive(UNRESPONSIVE);
  }

  private boolean informersConnected() {
    return cachesSynced() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public int dispatchPort() {
    return dispatch.port();
  }

  public int healthPort() {
    return health.port();
  }

  /**
   * The answer to SIGTERM: readiness turns false and new messages get 503, the messages in flight
   * get the configured drain time to finish (after it they are cut short and answered), then
   * everything stops.
   */
  public void shutdown() {
    if (!closed.get()) {
      LOG.info(
          "Shutting down: draining dispatch for up to {} s ({} message(s) in flight)",
          config.dispatch().drainTimeout().toSeconds(),
          dispatch.messagesInFlight());
      dispatch.drain(config.dispatch().drainTimeout());
      history.flush();
    }
    close();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sampler.shutdownNow();
    gcMetrics.close();
    summaries.close();
    history.close();
    leadership.close();
    dispatch.close();
    try {
      operator.stop();
    } catch (RuntimeException e) {
      LOG.debug("Stopping the controllers: {}", e.toString());
    }
    testCompletions.shutdownNow();
    dataPlane.close();
    health.close();
  }
}
