package com.emailgistics.webhooks.e2e.support;

import static com.emailgistics.webhooks.e2e.support.Manifests.ref;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookTestResult;
import com.emailgistics.webhooks.testing.HttpsEndpoint;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The objects of a mailbox team and its administrators in fresh namespaces, one HTTPS receiver
 * (private CA) for all their webhooks, and the operator configuration restricted to them.
 */
public final class Scenario implements AutoCloseable {
  public static final String LEASE = "emailgistics-webhooks-operator";
  public static final String CA_SECRET = "receiver-ca";

  private final KubernetesClient client;
  private final HttpsEndpoint receiver;
  public final String adminNs;
  public final String teamNs;
  public final String leaseNs;

  private Scenario(E2eCluster cluster, String prefix) throws IOException {
    this.client = cluster.admin();
    this.adminNs = cluster.createNamespace(prefix + "-admin");
    this.teamNs = cluster.createNamespace(prefix + "-team");
    this.leaseNs = cluster.createNamespace(prefix + "-operator");
    this.receiver = new HttpsEndpoint();
    receiver.respond(200, Bodies.SUCCESS);
    client
        .resource(
            Manifests.stringSecret(adminNs, CA_SECRET, Map.of(Manifests.CA_KEY, receiver.caPem())))
        .create();
  }

  public static Scenario create(E2eCluster cluster, String prefix) throws IOException {
    return new Scenario(cluster, prefix);
  }

  /**
   * Production settings: feature on, leader election on, restricted to this scenario's namespaces.
   */
  public Map<String, String> operatorEnv() {
    return Map.of(
        "EMAILGISTICS_WEBHOOKS_ENABLED", "true",
        "EMAILGISTICS_WEBHOOK_NAMESPACES", adminNs,
        "EMAILGISTICS_MAILBOX_NAMESPACES", teamNs,
        "EMAILGISTICS_LEADER_ELECTION_NAMESPACE", leaseNs);
  }

  public HttpsEndpoint receiver() {
    return receiver;
  }

  public static String path(String webhook) {
    return "/hooks/" + webhook;
  }

  /** Secret {@code <name>-token} and Webhook {@code name} posting to this scenario's receiver. */
  public void createWebhook(String name, String token, String... mailboxes) {
    client
        .resource(
            Manifests.stringSecret(adminNs, name + "-token", Map.of(Manifests.TOKEN_KEY, token)))
        .create();
    NamespacedReference[] refs =
        java.util.Arrays.stream(mailboxes)
            .map(m -> ref(teamNs, m))
            .toArray(NamespacedReference[]::new);
    client
        .resource(
            Manifests.webhook(
                adminNs, name, receiver.url(path(name)), name + "-token", CA_SECRET, refs))
        .create();
  }

  /** A plain update of the token Secret (stringData), as `kubectl apply` of a new manifest does. */
  public void rotate(String webhook, String token) {
    client
        .resource(
            Manifests.stringSecret(adminNs, webhook + "-token", Map.of(Manifests.TOKEN_KEY, token)))
        .update();
  }

  /** The "Test Webhook" button: a new value of the test-request annotation. */
  public String requestTest(String webhook) {
    String value = Instant.now().toString();
    Manifests.mergePatch(
        client,
        Webhook.class,
        adminNs,
        webhook,
        "{\"metadata\":{\"annotations\":{\""
            + Webhook.TEST_REQUEST_ANNOTATION
            + "\":\""
            + value
            + "\"}}}");
    return value;
  }

  public void createMailbox(String name) {
    client.resource(Resources.mailbox(teamNs, name)).create();
  }

  public void createRule(String name, String mailbox, String webhook) {
    client
        .resource(Manifests.useWebhookRule(teamNs, name, mailbox, ref(adminNs, webhook)))
        .create();
  }

  /** Test deliveries the receiver got for {@code webhook}. */
  public int tests(String webhook) {
    return Receiver.count(receiver, path(webhook));
  }

  public Webhook webhook(String name) {
    return client.resources(Webhook.class).inNamespace(adminNs).withName(name).get();
  }

  public static Optional<WebhookTestResult> lastTest(Webhook webhook) {
    return Optional.ofNullable(webhook.getStatus()).map(s -> s.getLastTest());
  }

  /** Waits until the recorded last test satisfies {@code check}. */
  public Webhook awaitLastTest(String webhook, String what, Predicate<WebhookTestResult> check) {
    return Await.object(
        client,
        Webhook.class,
        adminNs,
        webhook,
        w -> lastTest(w).filter(check).isPresent(),
        "Webhook " + webhook + ": " + what);
  }

  public Webhook awaitTestSucceeded(String webhook) {
    return Await.condition(
        client,
        Webhook.class,
        adminNs,
        webhook,
        "TestSucceeded",
        c -> "True".equals(c.getStatus()));
  }

  public MailboxRule awaitRuleReady(String rule) {
    return Await.condition(client, MailboxRule.class, teamNs, rule, "Ready", "True", "Ready");
  }

  public Mailbox awaitAvailableWebhooks(String mailbox, int count) {
    return Await.object(
        client,
        Mailbox.class,
        teamNs,
        mailbox,
        m ->
            m.getStatus() != null
                && m.getStatus().getAvailableWebhookCount() != null
                && m.getStatus().getAvailableWebhookCount() == count,
        "Mailbox " + mailbox + " lists " + count + " webhooks");
  }

  public Lease lease() {
    return client.leases().inNamespace(leaseNs).withName(LEASE).get();
  }

  public String leaseHolder() {
    Lease lease = lease();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Override
  public void close() {
    receiver.close();
  }

  /** Receiver answers. */
  public static final class Bodies {
    public static final String SUCCESS =
        """
        {"status":"success","message":"queued for enrichment",
         "actions":[{"type":"tag","name":"Mark VIP","value":{"tags":["VIP"]}}]}""";
    public static final String SUCCESS_MESSAGE =
        "Success! Mock request sent and webhook response received and"
            + " validated. Actions returned: 1 action: tag \"Mark VIP\".";

    private Bodies() {}
  }
}
