package com.emailgistics.webhooks.chart;

import static com.emailgistics.webhooks.chart.HelmChart.FULLNAME;
import static com.emailgistics.webhooks.chart.HelmChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `helm template -f values-custom.yaml`: every optional feature on, every default changed. */
class CustomValuesTest {
  private static final String SERVICE_ACCOUNT = "mail-operator";
  private static final List<String> WEBHOOK_NAMESPACES = List.of("admins-a", "admins-b");
  private static final Subject ADMINS = Rbac.group("emailgistics-admins");

  private static Rendered rendered;
  private static Rbac rbac;
  private static Subject operator;

  @BeforeAll
  static void render() {
    HelmChart.API_SERVER.clear();
    rendered = HelmChart.render("values-custom.yaml");
    rbac = new Rbac(rendered);
    operator = Rbac.serviceAccount(NAMESPACE, SERVICE_ACCOUNT);
  }

  @Test
  void everyObjectIsStructurallyValid() {
    assertThat(rendered.objects)
        .hasSizeGreaterThan(20)
        .allSatisfy(
            object ->
                assertThat(UnknownFields.in(object)).as("fields fabric8 does not know").isEmpty());
  }

  @Test
  void environmentCarriesTheValues() {
    assertThat(env())
        .containsEntry("EMAILGISTICS_WEBHOOKS_ENABLED", "true")
        .containsEntry("EMAILGISTICS_WEBHOOK_NAMESPACES", "admins-a,admins-b")
        .containsEntry("EMAILGISTICS_MAILBOX_NAMESPACES", "team-x,team-y")
        .containsEntry("EMAILGISTICS_SECRET_LABEL_SELECTOR", "emailgistics.com/webhook-secret=true")
        .containsEntry("EMAILGISTICS_LOG_FORMAT", "json")
        .containsEntry("EMAILGISTICS_LEADER_ELECTION_NAMESPACE", NAMESPACE)
        .containsEntry("EMAILGISTICS_DISPATCH_PORT", "9090")
        .containsEntry("EMAILGISTICS_HEALTH_PORT", "9091")
        .containsEntry("EMAILGISTICS_DISPATCH_READ_TIMEOUT_SECONDS", "30")
        .containsEntry("EMAILGISTICS_DISPATCH_MAX_BODY_BYTES", "2097152")
        .containsEntry("EMAILGISTICS_DISPATCH_MAX_MESSAGES_IN_FLIGHT", "1000")
        .containsEntry("EMAILGISTICS_DISPATCH_MESSAGE_DEADLINE_SECONDS", "120")
        .containsEntry("EMAILGISTICS_DRAIN_SECONDS", "45")
        .containsEntry("EMAILGISTICS_EVENT_LOOPS", "4")
        .containsEntry("EMAILGISTICS_DELIVERY_MAX_IN_FLIGHT_PER_WEBHOOK", "300")
        .containsEntry("EMAILGISTICS_DELIVERY_HTTP2", "false")
        .containsEntry("EMAILGISTICS_DELIVERY_DENIED_CIDRS", "10.96.0.0/12,fd00::/8")
        .containsEntry("EMAILGISTICS_DELIVERY_ALLOWED_CIDRS", "10.96.0.10/32")
        .containsEntry("TZ", "Europe/Berlin")
        .doesNotContainKey("JAVA_TOOL_OPTIONS");
  }

  @Test
  void deploymentHasThreeReplicasTheCustomImageAndScheduling() {
    Deployment deployment = deployment();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = container();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(pod.getTerminationGracePeriodSeconds()).as("drain + 15 s").isEqualTo(60L);
    assertThat(container.getImage()).isEqualTo("registry.example.com/ops/emailgistics:1.2.3");
    assertThat(container.getImagePullPolicy()).isEqualTo("Always");
    assertThat(deployment.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/version", "1.2.3");
    assertThat(pod.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("regcred");
    assertThat(pod.getServiceAccountName()).isEqualTo(SERVICE_ACCOUNT);
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution())
        .hasSize(1);
    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("example.com/owner", "mail-team");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("example.com/tier", "backend");
    assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("768Mi"));
    assertThat(container.getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactlyInAnyOrder("dispatch=9090", "health=9091");
  }

  @Test
  void existingTokenSecretIsMountedAndNoneIsGenerated() {
    assertThat(rendered.all(Secret.class)).isEmpty();
    assertThat(HelmChart.API_SERVER.requests())
        .as("no lookup for a Secret the chart does not own")
        .isEmpty();

    var secretVolume =
        deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .findFirst()
            .orElseThrow()
            .getSecret();
    assertThat(secretVolume.getSecretName()).isEqualTo("my-dispatch-token");
    assertThat(secretVolume.getItems())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.getKey()).isEqualTo("bearer");
              assertThat(item.getPath()).isEqualTo("token");
            });
    assertThat(env())
        .containsEntry("EMAILGISTICS_DISPATCH_TOKEN_FILE", "/etc/emailgistics/dispatch/token");
  }

  @Test
  void operatorReadsSecretsInEachWebhookNamespaceAndNowhereElse() {
    for (String namespace : WEBHOOK_NAMESPACES) {
      rendered.one(Role.class, namespace, FULLNAME + "-read-secrets");
      RoleBinding binding = rendered.one(RoleBinding.class, namespace, FULLNAME + "-read-secrets");
      assertThat(binding.getSubjects())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getName()).isEqualTo(SERVICE_ACCOUNT);
                assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
              });
      assertThat(rbac.allows(operator, "watch", "", "secrets", namespace)).as(namespace).isTrue();
    }
    assertThat(rbac.allows(operator, "list", "", "secrets", NAMESPACE))
        .as("release namespace")
        .isFalse();
    assertThat(rbac.allows(operator, "list", "", "secrets", null)).as("cluster-wide").isFalse();
    assertThat(
            rendered.all(Role.class).stream()
                .filter(role -> role.getMetadata().getName().equals(FULLNAME + "-read-secrets"))
                .map(role -> role.getMetadata().getNamespace()))
        .containsExactlyInAnyOrderElementsOf(WEBHOOK_NAMESPACES);
    // The Lease stays in the release namespace whatever the webhook namespaces are.
    assertThat(
            rbac.allows(
                operator,
                "update",
                "coordination.k8s.io",
                "leases",
                NAMESPACE,
                "emailgistics-webhooks-operator"))
        .isTrue();
  }

  @Test
  void systemAdminGroupIsBoundClusterWideAndToTheSecretsOfEachWebhookNamespace() {
    ClusterRoleBinding binding = rendered.one(ClusterRoleBinding.class, FULLNAME + "-system-admin");
    assertThat(binding.getRoleRef().getName()).isEqualTo(FULLNAME + "-system-admin");

    assertThat(rbac.allows(ADMINS, "create", Rbac.GROUP, "webhooks", "admins-a")).isTrue();
    assertThat(rbac.allows(ADMINS, "create", Rbac.GROUP, "mailboxes", "team-x")).isTrue();
    assertThat(rbac.allows(ADMINS, "create", Rbac.GROUP, "mailboxrules", "team-x")).isFalse();
    for (String namespace : WEBHOOK_NAMESPACES) {
      assertThat(rbac.allows(ADMINS, "update", "", "secrets", namespace)).as(namespace).isTrue();
    }
    assertThat(rbac.allows(ADMINS, "get", "", "secrets", "team-x")).isFalse();
    assertThat(rbac.allows(ADMINS, "get", "", "secrets", null)).isFalse();
  }

  @Test
  void aggregationOffLeavesTheDefaultRolesAlone() {
    assertThat(rendered.all(ClusterRole.class))
        .hasSize(4)
        .allSatisfy(
            role ->
                assertThat(role.getMetadata().getLabels().keySet())
                    .noneMatch(key -> key.startsWith("rbac.authorization.k8s.io/aggregate-to")));
  }

  @Test
  void serviceMonitorScrapesMetricsThroughTheServicesMetricsPort() {
    GenericKubernetesResource monitor =
        single(rendered.generic("monitoring.coreos.com/v1", "ServiceMonitor"));
    Service service = rendered.one(Service.class, NAMESPACE, FULLNAME + "-metrics");

    assertThat(monitor.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    Map<String, Object> endpoint =
        single(monitor.<List<Map<String, Object>>>get("spec", "endpoints"));
    assertThat(endpoint)
        .containsEntry("port", "metrics")
        .containsEntry("path", "/metrics")
        .containsEntry("interval", "15s")
        .containsEntry("scrapeTimeout", "5s");
    ServicePort metrics =
        service.getSpec().getPorts().stream()
            .filter(p -> p.getName().equals(endpoint.get("port")))
            .findFirst()
            .orElseThrow();
    assertThat(metrics.getPort()).isEqualTo(9091);
    assertThat(metrics.getTargetPort()).isEqualTo(new IntOrString("health"));
    Map<String, String> matchLabels = monitor.get("spec", "selector", "matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
    assertThat(rendered.one(Service.class, NAMESPACE, FULLNAME).getMetadata().getLabels())
        .as("the dispatch Service is not scraped")
        .doesNotContainEntry("app.kubernetes.io/component", "metrics");
    assertThat(monitor.<List<String>>get("spec", "namespaceSelector", "matchNames"))
        .containsExactly(NAMESPACE);
  }

  @Test
  void networkPolicyLimitsIngressToDispatchAndHealthAndAllowsApiServerDnsAndHttpsEgress() {
    NetworkPolicy policy = rendered.one(NetworkPolicy.class, NAMESPACE, FULLNAME);

    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(deployment().getSpec().getSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");

    Map<String, NetworkPolicyIngressRule> ingress =
        policy.getSpec().getIngress().stream()
            .collect(Collectors.toMap(rule -> ports(rule.getPorts()), rule -> rule));
    assertThat(ingress).containsOnlyKeys("TCP/9090", "TCP/9091");
    assertThat(single(ingress.get("TCP/9090").getFrom()).getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "mail-platform");
    assertThat(ingress.get("TCP/9091").getFrom())
        .as("probes come from the node: any source")
        .isNullOrEmpty();

    Map<String, NetworkPolicyEgressRule> egress =
        policy.getSpec().getEgress().stream()
            .collect(Collectors.toMap(rule -> ports(rule.getPorts()), rule -> rule));
    assertThat(egress)
        .containsOnlyKeys("TCP/443,TCP/6443", "TCP/443,TCP/8443", "UDP/53,TCP/53", "TCP/25");
    assertThat(single(egress.get("TCP/443,TCP/6443").getTo()).getIpBlock().getCidr())
        .isEqualTo("10.0.0.1/32");
    assertThat(egress.get("TCP/443,TCP/8443").getTo())
        .as("webhook endpoints may be anywhere")
        .isNullOrEmpty();
    assertThat(egress.get("UDP/53,TCP/53").getTo()).isNullOrEmpty();
    assertThat(single(egress.get("TCP/25").getTo()).getIpBlock().getCidr())
        .isEqualTo("192.168.10.0/24");
  }

  @Test
  void podDisruptionBudgetCoversTheOperatorPods() {
    PodDisruptionBudget budget = rendered.one(PodDisruptionBudget.class, NAMESPACE, FULLNAME);

    assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment().getSpec().getSelector().getMatchLabels());
  }

  @Test
  void serviceAccountAndServiceCarryTheirAnnotations() {
    assertThat(
            rendered
                .one(
                    io.fabric8.kubernetes.api.model.ServiceAccount.class,
                    NAMESPACE,
                    SERVICE_ACCOUNT)
                .getMetadata()
                .getAnnotations())
        .containsEntry("example.com/purpose", "emailgistics");
    Service service = rendered.one(Service.class, NAMESPACE, FULLNAME);
    assertThat(service.getMetadata().getAnnotations())
        .containsEntry("example.com/exposed", "false");
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName() + "=" + p.getPort())
        .containsExactly("dispatch=9090");
    assertThat(rendered.one(Service.class, NAMESPACE, FULLNAME + "-metrics").getSpec().getPorts())
        .extracting(p -> p.getName() + "=" + p.getPort())
        .containsExactly("metrics=9091");
  }

  private static String ports(List<NetworkPolicyPort> ports) {
    return ports.stream()
        .map(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .collect(Collectors.joining(","));
  }

  private static <T> T single(List<T> list) {
    assertThat(list).hasSize(1);
    return list.get(0);
  }

  private static Deployment deployment() {
    return rendered.one(Deployment.class, NAMESPACE, FULLNAME);
  }

  private static Container container() {
    return single(deployment().getSpec().getTemplate().getSpec().getContainers());
  }

  private static Map<String, String> env() {
    return container().getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
  }
}
