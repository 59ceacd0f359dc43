package com.emailgistics.webhooks.benchmark;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.testing.RestartableKubeApiServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real kube-apiserver + etcd (io.fabric8:kube-api-test, binaries from ~/.kubeapitest) with the
 * project's CRDs installed, and bulk creation of the benchmark's objects.
 */
final class Cluster implements AutoCloseable {
  static final String FIELD_MANAGER = "emailgistics-benchmark";

  private final RestartableKubeApiServer server;
  private final KubernetesClient client;
  private final Path kubeconfig;
  private final Duration startup;

  private Cluster(
      RestartableKubeApiServer server, KubernetesClient client, Path kubeconfig, Duration startup) {
    this.server = server;
    this.client = client;
    this.kubeconfig = kubeconfig;
    this.startup = startup;
  }

  static Cluster start(Path workDir, Path crdsDir) throws Exception {
    long started = System.nanoTime();
    RestartableKubeApiServer server =
        new RestartableKubeApiServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(true)
                .withStartupTimeout(180_000)
                .withUpdateKubeConfig(false)
                .build(),
            workDir.resolve("kube-apiserver-logs"));
    server.start();
    Duration startup = Duration.ofNanos(System.nanoTime() - started);
    String yaml = server.getKubeConfigYaml();
    Path kubeconfig = workDir.resolve("kubeconfig.yaml");
    Files.writeString(kubeconfig, yaml);
    Config config = Config.fromKubeconfig(yaml);
    config.setRequestTimeout(60_000);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    Cluster cluster = new Cluster(server, client, kubeconfig, startup);
    cluster.installCrds(crdsDir);
    return cluster;
  }

  KubernetesClient client() {
    return client;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  Duration startup() {
    return startup;
  }

  /**
   * Kills kube-apiserver (etcd keeps the data), leaves it down for {@code downtime}, starts it
   * again on the same port and waits until it answers. Returns the time it was unavailable.
   */
  Duration restartApiServer(Duration downtime) throws Exception {
    long start = System.nanoTime();
    server.killAndRestartApiServer(downtime);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        client.getKubernetesVersion();
        return Duration.ofNanos(System.nanoTime() - start);
      } catch (KubernetesClientException starting) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("kube-apiserver not back within 120 s");
  }

  /** kube-apiserver and etcd, children of this JVM. */
  static List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    ProcessHandle.current()
        .children()
        .filter(
            p ->
                p.info()
                    .command()
                    .map(c -> c.endsWith("/kube-apiserver") || c.endsWith("/etcd"))
                    .orElse(false))
        .forEach(p -> pids.add(p.pid()));
    return pids;
  }

  /** CPU ms used so far by kube-apiserver and etcd together. */
  static long cpuMillis() {
    return pids().stream().mapToLong(Proc::cpuMillis).filter(ms -> ms > 0).sum();
  }

  String version() {
    try {
      return client.getKubernetesVersion().getGitVersion();
    } catch (KubernetesClientException e) {
      return "unknown";
    }
  }

  private void installCrds(Path crdsDir) throws Exception {
    List<Path> files;
    try (Stream<Path> list = Files.list(crdsDir)) {
      files =
          list.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
              .sorted()
              .toList();
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("no CRDs in " + crdsDir);
    }
    List<String> names = new ArrayList<>();
    for (Path file : files) {
      CustomResourceDefinition crd;
      try (InputStream in = Files.newInputStream(file)) {
        crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      }
      client.resource(crd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      names.add(crd.getMetadata().getName());
    }
    for (String name : names) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              cond ->
                                  "Established".equals(cond.getType())
                                      && "True".equals(cond.getStatus())),
              60,
              TimeUnit.SECONDS);
    }
  }

  void createNamespace(String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  <T extends HasMetadata> T create(T resource) {
    return client.resource(resource).create();
  }

  /**
   * Creates every object with {@code parallelism} concurrent requests; returns how long it took.
   * Bounded: gives up after {@code timeout}.
   */
  Duration createAll(List<? extends HasMetadata> resources, int parallelism, Duration timeout)
      throws Exception {
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (HasMetadata resource : resources) {
        futures.add(
            pool.submit(
                () -> {
                  createWithRetry(resource);
                  int n = done.incrementAndGet();
                  if (n % 2000 == 0) {
                    System.out.printf(
                        "    created %d of %d objects (%.0f s)%n",
                        n, resources.size(), (System.nanoTime() - started) / 1e9);
                  }
                }));
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Future<?> future : futures) {
        future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private void createWithRetry(HasMetadata resource) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.resource(resource).create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          return;
        }
        if (attempt >= 5 || (e.getCode() != 429 && e.getCode() < 500 && e.getCode() != 0)) {
          throw e;
        }
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Writes the API server counted so far (its /metrics), of status subresources and in all. */
  record Writes(long status, long all) {
    Writes minus(Writes earlier) {
      return new Writes(status - earlier.status, all - earlier.all);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,d of status, %,d in all", status, all);
    }
  }

  private static final Pattern REQUESTS =
      Pattern.compile("^apiserver_request_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
  private static final Pattern VERB = Pattern.compile("verb=\"([A-Z]+)\"");
  private static final Set<String> WRITE_VERBS =
      Set.of("APPLY", "PATCH", "UPDATE", "POST", "CREATE", "DELETE", "DELETECOLLECTION");

  /** Lease renewals are left out: they are leader election's heartbeat, not reconciliation. */
  Writes writes() {
    long status = 0;
    long all = 0;
    Matcher line = REQUESTS.matcher(client.raw("/metrics"));
    while (line.find()) {
      String labels = line.group(1);
      Matcher verb = VERB.matcher(labels);
      if (!verb.find()
          || !WRITE_VERBS.contains(verb.group(1))
          || labels.contains("resource=\"leases\"")) {
        continue;
      }
      long count = (long) Double.parseDouble(line.group(2));
      all += count;
      if (labels.contains("subresource=\"status\"")) {
        status += count;
      }
    }
    return new Writes(status, all);
  }

  /** MailboxRules whose Ready condition is True, counted page by page across all namespaces. */
  int readyRules() {
    int ready = 0;
    String next = null;
    do {
      var page =
          client
              .resources(MailboxRule.class)
              .inAnyNamespace()
              .list(
                  new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                      .withLimit(1000L)
                      .withContinue(next)
                      .build());
      for (MailboxRule rule : page.getItems()) {
        if (rule.getStatus() != null
            && rule.getStatus().getConditions() != null
            && rule.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
          ready++;
        }
      }
      next = page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return ready;
  }

  @Override
  public void close() {
    client.close();
    server.stop();
  }
}
