package com.emailgistics.webhooks.tryout;

import com.emailgistics.webhooks.WebhookOperator;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookTestResult;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.config.StartupException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The README's run command on a machine without a cluster: a real kube-apiserver and etcd on
 * localhost, the CRDs and examples/, the sample receiver, the operator with the webhooks feature
 * on, a test delivery, one sample message through the dispatch endpoint; then it keeps running so
 * the user can continue with kubectl.
 */
public final class TryOut implements AutoCloseable {
  static final String ADMIN_NAMESPACE = "emailgistics-admin";
  static final String WEBHOOK = "crm-enrichment";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofMinutes(2);

  private final KubeAPIServer apiServer;
  private final KubernetesClient client;
  private final SampleReceiver receiver;
  private final WebhookOperator operator;
  private final Path stateDir;
  private final String dispatchToken;

  private TryOut(
      KubeAPIServer apiServer,
      KubernetesClient client,
      SampleReceiver receiver,
      WebhookOperator operator,
      Path stateDir,
      String dispatchToken) {
    this.apiServer = apiServer;
    this.client = client;
    this.receiver = receiver;
    this.operator = operator;
    this.stateDir = stateDir;
    this.dispatchToken = dispatchToken;
  }

  /**
   * Any failure is one line naming the cause (and the setting that changes a busy port), and exit
   * code 1; whatever had been started is stopped first.
   */
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    Path state = Files.createDirectories(root.resolve(".run"));
    TryOut tryOut;
    try {
      tryOut =
          start(
              root,
              state,
              port(OperatorConfig.DISPATCH_PORT, 8080),
              port(OperatorConfig.HEALTH_PORT, 8081));
    } catch (StartupException e) {
      System.err.println("Cannot start the try-out: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  tryOut.close();
                  stopped.countDown();
                },
                "stop-try-out"));
    JsonNode report = tryOut.sendSampleMessage();
    tryOut.printReport(report);
    tryOut.printNextSteps();
    stopped.await();
  }

  private static int port(String setting, int fallback) {
    String value = System.getenv(setting);
    try {
      return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new StartupException(setting + " must be a port number, not '" + value + "'");
    }
  }

  /**
   * Everything up to a successful test delivery; dispatch and health ports may be 0 (any). On a
   * failure everything started so far is stopped (no kube-apiserver or etcd is left running) and a
   * {@link StartupException} says what went wrong.
   */
  static TryOut start(Path root, Path stateDir, int dispatchPort, int healthPort) {
    requireFree(dispatchPort, OperatorConfig.DISPATCH_PORT);
    requireFree(healthPort, OperatorConfig.HEALTH_PORT);
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      KubeAPIServer apiServer = startApiServer();
      started.push(apiServer::stop);
      Path kubeconfig =
          Files.writeString(stateDir.resolve("kubeconfig"), apiServer.getKubeConfigYaml());
      KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
              .build();
      started.push(client);
      step("Installing the CRDs and examples/ (KUBECONFIG=" + kubeconfig + ")");
      installCrds(client, root.resolve("crds"));
      applyExamples(client, root.resolve("examples"));

      String webhookSecret = randomToken();
      SampleReceiver receiver = SampleReceiver.start(root, stateDir, webhookSecret);
      started.push(receiver);
      step("Sample receiver (examples/receiver/receiver.py) listening on " + receiver.url());
      pointExampleWebhookAt(client, receiver, webhookSecret);

      String dispatchToken = randomToken();
      Path tokenFile = Files.writeString(stateDir.resolve("dispatch-token"), dispatchToken);
      OperatorConfig config =
          OperatorConfig.fromEnvironment(
              Map.of(
                  OperatorConfig.ENABLED, "true",
                  OperatorConfig.DISPATCH_PORT, Integer.toString(dispatchPort),
                  OperatorConfig.HEALTH_PORT, Integer.toString(healthPort),
                  OperatorConfig.DISPATCH_TOKEN_FILE, tokenFile.toString()));
      WebhookOperator operator = WebhookOperator.create(client, config, true, Clock.systemUTC());
      started.push(operator);
      step(
          "Starting the operator (webhooks feature on, dispatch on port "
              + config.dispatch().port()
              + ")");
      operator.start();
      TryOut tryOut = new TryOut(apiServer, client, receiver, operator, stateDir, dispatchToken);
      tryOut.awaitTestDelivery();
      return tryOut;
    } catch (Exception e) {
      stopAll(started);
      if (e instanceof StartupException startup) {
        throw startup;
      }
      throw new StartupException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  private static void requireFree(int port, String setting) {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket(port)) {
      probe.setReuseAddress(true);
    } catch (IOException e) {
      throw new StartupException(
          "port "
              + port
              + " is already in use (is another try-out or operator running?);"
              + " stop it or choose another port with "
              + setting);
    }
  }

  private static void stopAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("   (while stopping: " + e + ")");
      }
    }
  }

  private static KubeAPIServer startApiServer() {
    step("Starting a local control plane (kube-apiserver + etcd from ~/.kubeapitest)");
    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withStartupTimeout(180_000)
                .withUpdateKubeConfig(false)
                .build());
    Instant started = Instant.now();
    Thread ticker =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(5_000);
                  System.out.printf(
                      "   ... still starting (%ds)%n",
                      Duration.between(started, Instant.now()).toSeconds());
                }
              } catch (InterruptedException done) {
                Thread.currentThread().interrupt();
              }
            },
            "progress");
    ticker.setDaemon(true);
    ticker.start();
    try {
      server.start();
    } finally {
      ticker.interrupt();
    }
    step("Control plane up in " + Duration.between(started, Instant.now()).toSeconds() + "s");
    return server;
  }

  private static void installCrds(KubernetesClient client, Path crds) throws IOException {
    if (!Files.isDirectory(crds)) {
      throw new StartupException(
          "no CRDs in " + crds + ": run the try-out from the project's root directory");
    }
    try (Stream<Path> files = Files.list(crds)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).serverSideApply();
          client
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
      }
    }
  }

  private static void applyExamples(KubernetesClient client, Path examples) throws IOException {
    try (Stream<Path> files = Files.list(examples)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          List<HasMetadata> items = client.load(in).items();
          items.forEach(item -> client.resource(item).serverSideApply());
        }
      }
    }
  }

  /** The example Webhook names a public URL; here it calls the local receiver instead. */
  private static void pointExampleWebhookAt(
      KubernetesClient client, SampleReceiver receiver, String token) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("crm-webhook-token")
                .withNamespace(ADMIN_NAMESPACE)
                .addToLabels(Webhook.SECRET_LABEL, "true")
                .endMetadata()
                .withStringData(Map.of("token", token))
                .build())
        .serverSideApply();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("crm-webhook-ca")
                .withNamespace(ADMIN_NAMESPACE)
                .addToLabels(Webhook.SECRET_LABEL, "true")
                .endMetadata()
                .withStringData(Map.of("ca.crt", receiver.caPem()))
                .build())
        .serverSideApply();
    client
        .resources(Webhook.class)
        .inNamespace(ADMIN_NAMESPACE)
        .withName(WEBHOOK)
        .edit(
            webhook -> {
              webhook.getSpec().setUrl(receiver.url() + "/hooks/emailgistics");
              webhook.getSpec().setCaBundleRef(new SecretKeyReference("crm-webhook-ca", "ca.crt"));
              return webhook;
            });
  }

  private void awaitTestDelivery() throws InterruptedException {
    step("Waiting for the Webhook's test delivery");
    Instant deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      Webhook webhook =
          client.resources(Webhook.class).inNamespace(ADMIN_NAMESPACE).withName(WEBHOOK).get();
      WebhookTestResult test =
          webhook.getStatus() == null ? null : webhook.getStatus().getLastTest();
      if (test != null
          && test.getFingerprint() != null
          && test.getFingerprint()
              .startsWith("generation=" + webhook.getMetadata().getGeneration())) {
        System.out.printf(
            "   test delivery: %s — %s%s%n",
            test.getOutcome(),
            test.getMessage(),
            test.getActions() == null ? "" : " Actions returned: " + test.getActions());
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "no test delivery within " + WAIT.toSeconds() + "s; see the operator log");
  }

  /** Posts a sample message about a claim to the dispatch endpoint and returns the report. */
  JsonNode sendSampleMessage() throws IOException, InterruptedException {
    step("Sending a sample message to the dispatch endpoint");
    String message =
        """
        {"id":"tryout-0001","internetMessageId":"<tryout-0001@customer.example>","received":"%s",
         "from":{"emailAddress":{"name":"Pat Doe","address":"pat@customer.example"}},
         "to":[{"emailAddress":{"name":"Claims","address":"claims@insurer.example"}}],
         "subject":"Question about my claim","hasAttachments":false,"conversationId":"2L8WYB89Z",
         "bodyText":"Hello, any news on CLM-556677? Thanks, Pat"}"""
            .formatted(Instant.now());
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(dispatchUrl() + "/v1/mailboxes/claims@insurer.example/messages"))
                    .header("Authorization", "Bearer " + dispatchToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(message))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "dispatch answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  String dispatchUrl() {
    return "http://127.0.0.1:" + operator.dispatchPort();
  }

  void printReport(JsonNode report) {
    System.out.println("   rules:");
    report
        .get("rules")
        .forEach(
            rule ->
                System.out.printf(
                    "     %-24s %s (%s)%n",
                    rule.get("name").asText(),
                    rule.get("matched").asBoolean() ? "matched" : "not matched",
                    rule.get("reason").asText()));
    System.out.println("   deliveries:");
    report
        .get("deliveries")
        .forEach(
            delivery ->
                System.out.printf(
                    "     %s -> %s: %s after %d attempt(s), HTTP %s, \"%s\"%n",
                    delivery.get("rule").asText(),
                    delivery.at("/webhook/name").asText(),
                    delivery.get("outcome").asText(),
                    delivery.get("attempts").asInt(),
                    delivery.path("httpStatus").asText("-"),
                    delivery.get("message").asText()));
    System.out.println("   actions to apply, in order:");
    report
        .get("actions")
        .forEach(
            action ->
                System.out.printf(
                    "     %-16s %s%n", action.get("type").asText(), action.get("value")));
    report
        .get("droppedActions")
        .forEach(
            dropped ->
                System.out.printf(
                    "     dropped: %s (%s)%n",
                    dropped.get("type").asText(), dropped.get("reason").asText()));
  }

  void printNextSteps() {
    Path kubeconfig = stateDir.resolve("kubeconfig");
    System.out.println();
    System.out.println("The try-out keeps running; Ctrl-C stops everything. In another terminal:");
    System.out.println("  export KUBECONFIG=" + kubeconfig);
    System.out.println("  kubectl get emailgistics -A");
    System.out.println(
        "  kubectl annotate webhook "
            + WEBHOOK
            + " -n "
            + ADMIN_NAMESPACE
            + " webhooks.emailgistics.com/test-requested-at=\"$(date -u +%FT%TZ)\" --overwrite");
    // The history API serves Kubernetes identities allowed to get the Webhook.
    String reader = "kubectl -n " + ADMIN_NAMESPACE + " ";
    System.out.println("  " + reader + "create serviceaccount history-reader");
    System.out.println(
        "  "
            + reader
            + "create role history-reader --verb=get --resource=webhooks.webhooks.emailgistics.com");
    System.out.println(
        "  "
            + reader
            + "create rolebinding history-reader --role=history-reader --serviceaccount="
            + ADMIN_NAMESPACE
            + ":history-reader");
    System.out.println(
        "  curl -s -H \"Authorization: Bearer $("
            + reader
            + "create token history-reader)\" "
            + dispatchUrl()
            + "/v1/webhooks/"
            + ADMIN_NAMESPACE
            + "/"
            + WEBHOOK
            + "/deliveries");
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    // Letters and digits from base64url, plus symbols, as the product recommends.
    return "tryout-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "!7";
  }

  private static void step(String text) {
    System.out.println("==> " + text);
  }

  @Override
  public void close() {
    operator.close();
    receiver.close();
    client.close();
    apiServer.stop();
  }
}
