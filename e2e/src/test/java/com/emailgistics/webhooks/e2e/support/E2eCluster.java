package com.emailgistics.webhooks.e2e.support;

import com.emailgistics.webhooks.testing.RestartableKubeApiServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.KubeAPITestException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real kube-apiserver + etcd for the whole test JVM (start-up costs seconds; 2-core CI), with
 * the project's CRDs installed. Tests isolate themselves by namespace: every operator the suite
 * runs is restricted to the namespaces its test created.
 */
public final class E2eCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(E2eCluster.class);

  /** kube-api-test's own switch crashes 7.5.2 when given as an environment variable; use this. */
  public static final String OFFLINE_PROPERTY = "e2e.kubeapitest.offline";

  public static final String VERSION_PROPERTY = "e2e.kubeapitest.version";
  public static final String FIELD_MANAGER = "e2e-test";

  private final RestartableKubeApiServer server;
  private final String kubeConfigYaml;
  private final Path kubeConfigFile;
  private final KubernetesClient admin;
  private final AtomicInteger namespaces = new AtomicInteger();
  private final Duration startup;
  private final Thread stopOnExit;

  private E2eCluster(RestartableKubeApiServer server, Duration startup, Thread stopOnExit)
      throws IOException {
    this.server = server;
    this.startup = startup;
    this.stopOnExit = stopOnExit;
    this.kubeConfigYaml = server.getKubeConfigYaml();
    Files.createDirectories(Paths.workDir());
    this.kubeConfigFile = Paths.workDir().resolve("kubeconfig-admin.yaml");
    Files.writeString(kubeConfigFile, kubeConfigYaml);
    this.admin =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfigYaml)).build();
  }

  static E2eCluster start() throws IOException {
    boolean offline = Boolean.parseBoolean(System.getProperty(OFFLINE_PROPERTY, "true"));
    KubeAPIServerConfigBuilder config =
        KubeAPIServerConfigBuilder.anAPIServerConfig()
            .withOfflineMode(offline)
            .withStartupTimeout(180_000)
            .withUpdateKubeConfig(false);
    String version = System.getProperty(VERSION_PROPERTY, "");
    if (!version.isBlank()) {
      config.withApiServerVersion(version.trim());
    }
    RestartableKubeApiServer server =
        new RestartableKubeApiServer(config.build(), Paths.workDir().resolve("logs"));
    long started = System.nanoTime();
    try {
      server.start();
    } catch (KubeAPITestException e) {
      throw new IllegalStateException(
          "kube-api-test could not start kube-apiserver + etcd ("
              + e.getMessage()
              + "). Build the binaries"
              + " offline with scripts/kube-binaries.sh, or let kube-api-test download them on a machine with"
              + " internet: mvn -B verify -D"
              + OFFLINE_PROPERTY
              + "=false",
          e);
    }
    Duration startup = Duration.ofNanos(System.nanoTime() - started);
    LOG.info("kube-apiserver + etcd ready in {} ms", startup.toMillis());
    // kube-api-test registers no shutdown hook: without one, a test JVM that ends abnormally
    // would leave etcd and kube-apiserver running.
    Thread stopOnExit = new Thread(server::stop, "e2e-stop-kube-apiserver");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    try {
      E2eCluster cluster = new E2eCluster(server, startup, stopOnExit);
      cluster.installCrds();
      return cluster;
    } catch (IOException | RuntimeException e) {
      server.stop();
      throw e;
    }
  }

  /** The cluster administrator (client certificate in group system:masters). */
  public KubernetesClient admin() {
    return admin;
  }

  public Duration startupTime() {
    return startup;
  }

  public String kubeConfigYaml() {
    return kubeConfigYaml;
  }

  /** The administrator's kubeconfig on disk, for processes started by the tests. */
  public Path kubeConfigFile() {
    return kubeConfigFile;
  }

  public RestartableKubeApiServer server() {
    return server;
  }

  /** A client acting as {@code user} in {@code groups}: RBAC applies to it (impersonation). */
  public KubernetesClient as(String user, String... groups) {
    return as(user, List.of(groups), builder -> {});
  }

  public KubernetesClient as(
      String user, List<String> groups, Consumer<HttpClient.Builder> httpClient) {
    Config config = Config.fromKubeconfig(kubeConfigYaml);
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups.toArray(String[]::new));
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(httpClient)
        .build();
  }

  /** Creates a namespace with a unique name starting with {@code prefix}. */
  public String createNamespace(String prefix) {
    String name =
        (prefix
                + "-"
                + namespaces.incrementAndGet()
                + "-"
                + Long.toString(System.nanoTime() % 46656, 36))
            .toLowerCase(Locale.ROOT);
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("e2e.emailgistics.com/test", "true")
                .endMetadata()
                .build())
        .create();
    return name;
  }

  private void installCrds() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(Paths.crdsDir())) {
      files =
          list.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
              .sorted()
              .toList();
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("no CRDs in " + Paths.crdsDir());
    }
    for (Path file : files) {
      CustomResourceDefinition crd;
      try (InputStream in = Files.newInputStream(file)) {
        crd = admin.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      }
      // What `kubectl apply --server-side -f crds/` does.
      admin.resource(crd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
    for (Path file : files) {
      CustomResourceDefinition crd;
      try (InputStream in = Files.newInputStream(file)) {
        crd = admin.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      }
      admin
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && c.getStatus().getConditions() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              cond ->
                                  "Established".equals(cond.getType())
                                      && "True".equals(cond.getStatus())),
              60,
              TimeUnit.SECONDS);
    }
    LOG.info("Installed and established {} CRDs from {}", files.size(), Paths.crdsDir());
  }

  /** Polls /readyz until the API server answers 200. Returns how long it took. */
  public Duration awaitApiServerReady(Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    HttpClient http = admin.getHttpClient();
    URI readyz = URI.create(admin.getConfiguration().getMasterUrl()).resolve("/readyz");
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.sendAsync(http.newHttpRequestBuilder().uri(readyz).build(), String.class)
                .get(5, TimeUnit.SECONDS);
        if (response.code() == 200) {
          return Duration.ofNanos(System.nanoTime() - start);
        }
        last = "HTTP " + response.code();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        last = e.getCause() == null ? e.toString() : e.getCause().toString();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("kube-apiserver not ready after " + timeout + ": " + last);
  }

  @Override
  public void close() {
    admin.close();
    server.stop();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs anyway; stop() is idempotent
    }
  }
}
