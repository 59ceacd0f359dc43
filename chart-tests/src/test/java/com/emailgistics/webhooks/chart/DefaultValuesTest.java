package com.emailgistics.webhooks.chart;

import static com.emailgistics.webhooks.chart.HelmChart.FULLNAME;
import static com.emailgistics.webhooks.chart.HelmChart.NAMESPACE;
import static com.emailgistics.webhooks.chart.HelmChart.WEBHOOK_NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `helm template` with the chart's default values, asserted on the parsed objects. */
class DefaultValuesTest {
  private static final String LEASE = "emailgistics-webhooks-operator";
  private static final List<String> KINDS = List.of("webhooks", "mailboxes", "mailboxrules");
  private static final List<String> WRITE_VERBS =
      List.of("create", "update", "patch", "delete", "deletecollection");
  private static final List<String> READ_VERBS = List.of("get", "list", "watch");

  /** The custom verb the admission policy asks for before a Mailbox's address may change. */
  private static final String ADDRESS_VERB = "setaddress";

  private static Rendered rendered;
  private static Rbac rbac;
  private static Subject operator;

  @BeforeAll
  static void render() {
    HelmChart.API_SERVER.clear();
    rendered = HelmChart.renderDefaults();
    rbac = new Rbac(rendered);
    operator = Rbac.serviceAccount(NAMESPACE, FULLNAME);
  }

  @Test
  void rendersExactlyTheExpectedObjects() {
    assertThat(rendered.kinds())
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "Secret",
            "ClusterRole",
            "ClusterRoleBinding", // operator
            "Role",
            "RoleBinding", // leader election
            "Role",
            "RoleBinding", // operator's Secret access in the webhook namespace
            "Role",
            "RoleBinding", // operator's delivery-history ConfigMaps in the webhook namespace
            "ClusterRole",
            "ClusterRole",
            "ClusterRole", // system-admin, mailbox-admin, view
            "Role", // webhook-secrets for system administrators (unbound without systemAdminGroup)
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding", // a Mailbox's address
            "Deployment",
            "Service", // dispatch
            "Service"); // health and metrics
    assertThat(rendered.generic("monitoring.coreos.com/v1", "ServiceMonitor")).isEmpty();
    assertThat(rendered.yaml).doesNotContain("kind: NetworkPolicy", "kind: PodDisruptionBudget");
  }

  @Test
  void everyObjectIsStructurallyValidAndLabelled() {
    assertThat(rendered.objects)
        .allSatisfy(
            object -> {
              assertThat(UnknownFields.in(object)).as("fields fabric8 does not know").isEmpty();
              assertThat(object.getMetadata().getLabels())
                  .containsEntry("app.kubernetes.io/name", "emailgistics-operator")
                  .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
                  .containsEntry("app.kubernetes.io/version", "0.1.0")
                  .containsEntry("app.kubernetes.io/managed-by", "Helm")
                  .containsEntry("helm.sh/chart", "emailgistics-operator-0.1.0");
              if (object instanceof Namespaced) {
                assertThat(object.getMetadata().getNamespace())
                    .as("%s %s namespace", object.getKind(), name(object))
                    .isNotBlank();
              }
            });
  }

  @Test
  void deploymentRunsOneReplicaOfTheDefaultImageAsTheServiceAccount() {
    Deployment deployment = deployment();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(container().getImage()).isEqualTo("ghcr.io/emailgistics/webhooks-operator:0.1.0");
    assertThat(container().getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(container().getCommand()).as("the image's entrypoint runs the jar").isNullOrEmpty();
    assertThat(pod.getServiceAccountName()).isEqualTo(FULLNAME);
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isNotEmpty();
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void podAndContainerSecurityContextsAreRestrictive() {
    var pod = deployment().getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(pod.getRunAsNonRoot()).isTrue();
    assertThat(pod.getRunAsUser()).isEqualTo(10001L);
    assertThat(pod.getFsGroup()).isEqualTo(10001L);
    assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    var container = container().getSecurityContext();
    assertThat(container.getRunAsNonRoot()).isTrue();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getPrivileged()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void probesCheckHealthzAndReadyzOnTheHealthPort() {
    Container container = container();
    assertThat(port(container, "health")).isEqualTo(8081);
    assertThat(port(container, "dispatch")).isEqualTo(8080);

    assertHttpGet(container.getLivenessProbe(), "/healthz");
    assertHttpGet(container.getStartupProbe(), "/healthz");
    assertHttpGet(container.getReadinessProbe(), "/readyz");
  }

  @Test
  void containerHasResourceRequestsAndLimits() {
    Map<String, Quantity> requests = container().getResources().getRequests();
    Map<String, Quantity> limits = container().getResources().getLimits();

    assertThat(requests)
        .containsEntry("cpu", new Quantity("100m"))
        .containsEntry("memory", new Quantity("256Mi"));
    assertThat(limits)
        .containsEntry("cpu", new Quantity("1"))
        .containsEntry("memory", new Quantity("512Mi"));
  }

  @Test
  void environmentConfiguresTheOperatorWithTheFeatureOff() {
    Map<String, String> env = env();

    assertThat(env)
        .containsEntry("EMAILGISTICS_WEBHOOKS_ENABLED", "false")
        .containsEntry("EMAILGISTICS_WEBHOOK_NAMESPACES", WEBHOOK_NAMESPACE)
        .containsEntry("EMAILGISTICS_MAILBOX_NAMESPACES", "")
        .containsEntry("EMAILGISTICS_LEADER_ELECTION_NAMESPACE", NAMESPACE)
        .containsEntry("EMAILGISTICS_HEALTH_PORT", "8081")
        .containsEntry("EMAILGISTICS_DISPATCH_PORT", "8080")
        .containsEntry("EMAILGISTICS_DISPATCH_TOKEN_FILE", "/etc/emailgistics/dispatch/token")
        .containsEntry("EMAILGISTICS_DISPATCH_READ_TIMEOUT_SECONDS", "10")
        .containsEntry("EMAILGISTICS_DISPATCH_MAX_BODY_BYTES", "1048576")
        .containsEntry("EMAILGISTICS_DISPATCH_MAX_CONNECTIONS", "4096")
        .containsEntry("EMAILGISTICS_DISPATCH_MAX_MESSAGES_IN_FLIGHT", "4000")
        .containsEntry("EMAILGISTICS_DISPATCH_MAX_BYTES_IN_FLIGHT", "33554432")
        .containsEntry("EMAILGISTICS_DISPATCH_MESSAGE_DEADLINE_SECONDS", "330")
        .containsEntry("EMAILGISTICS_DRAIN_SECONDS", "60")
        .containsEntry("EMAILGISTICS_DELIVERY_MAX_IN_FLIGHT", "4000")
        .containsEntry("EMAILGISTICS_DELIVERY_MAX_IN_FLIGHT_PER_WEBHOOK", "2000")
        .containsEntry("EMAILGISTICS_DELIVERY_MAX_CONNECTIONS_PER_ENDPOINT", "1000")
        .containsEntry("EMAILGISTICS_DELIVERY_HTTP2", "true")
        .containsEntry("EMAILGISTICS_DELIVERY_DENIED_CIDRS", "")
        .containsEntry("EMAILGISTICS_DELIVERY_ALLOWED_CIDRS", "")
        .doesNotContainKey("EMAILGISTICS_EVENT_LOOPS")
        .containsEntry("EMAILGISTICS_LOG_FORMAT", "plain")
        .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError")
        .containsEntry(
            "EMAILGISTICS_SECRET_LABEL_SELECTOR", "webhooks.emailgistics.com/secret=true");
  }

  @Test
  void theKubeletWaitsLongerThanTheDrain() {
    assertThat(deployment().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(75L);
  }

  @Test
  void tmpIsAWritableEmptyDirAndTheTokenSecretIsMountedReadOnlyWhereTheOperatorLooks() {
    PodSpec pod = deployment().getSpec().getTemplate().getSpec();
    VolumeMount tmp = mount("/tmp");
    assertThat(tmp.getReadOnly()).isNotEqualTo(Boolean.TRUE);
    assertThat(volume(pod, tmp.getName()).getEmptyDir()).isNotNull();

    VolumeMount tokenMount = mount("/etc/emailgistics/dispatch");
    assertThat(tokenMount.getReadOnly()).isTrue();
    assertThat(tokenMount.getSubPath()).as("subPath mounts never see a rotated Secret").isNull();
    var secretVolume = volume(pod, tokenMount.getName()).getSecret();
    assertThat(secretVolume.getSecretName()).isEqualTo(FULLNAME + "-dispatch-token");
    assertThat(secretVolume.getItems())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.getKey()).isEqualTo("token");
              assertThat(tokenMount.getMountPath() + "/" + item.getPath())
                  .isEqualTo(env().get("EMAILGISTICS_DISPATCH_TOKEN_FILE"));
            });
    assertThat(secretVolume.getDefaultMode()).isEqualTo(0440);
    assertThat(deployment().getSpec().getTemplate().getMetadata().getAnnotations())
        .as("the token file is re-read: no checksum annotation rolls the pods")
        .isNullOrEmpty();
  }

  @Test
  void generatedDispatchTokenSecretHoldsALongRandomToken() {
    Secret secret = rendered.one(Secret.class, NAMESPACE, FULLNAME + "-dispatch-token");

    String token =
        new String(
            Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
    assertThat(token).hasSize(48).matches("[A-Za-z0-9]+");
  }

  @Test
  void dispatchAndMetricsHaveAServiceEachOnTheOperatorPods() {
    Service dispatch = rendered.one(Service.class, NAMESPACE, FULLNAME);
    Service metrics = rendered.one(Service.class, NAMESPACE, FULLNAME + "-metrics");

    assertThat(dispatch.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(dispatch.getSpec().getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("dispatch");
              assertThat(port.getPort()).isEqualTo(8080);
              assertThat(port.getTargetPort()).isEqualTo(new IntOrString("dispatch"));
              assertThat(port.getAppProtocol()).isEqualTo("http");
            });
    assertThat(metrics.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(metrics.getSpec().getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("metrics");
              assertThat(port.getPort()).isEqualTo(8081);
              assertThat(port.getTargetPort()).isEqualTo(new IntOrString("health"));
            });
    for (Service service : List.of(dispatch, metrics)) {
      assertThat(service.getSpec().getSelector())
          .isEqualTo(deployment().getSpec().getSelector().getMatchLabels());
    }
  }

  @Test
  void serviceAccountMountsItsToken() {
    ServiceAccount account = rendered.one(ServiceAccount.class, NAMESPACE, FULLNAME);
    assertThat(account.getAutomountServiceAccountToken()).isTrue();
  }

  @Test
  void noClusterRoleGrantsSecretsOrWildcards() {
    assertThat(rendered.all(ClusterRole.class))
        .hasSize(4)
        .allSatisfy(
            role ->
                assertThat(role.getRules())
                    .allSatisfy(
                        rule -> {
                          assertThat(rule.getResources()).doesNotContain("secrets", "*");
                          assertThat(rule.getApiGroups()).doesNotContain("*");
                          assertThat(rule.getVerbs()).doesNotContain("*");
                        }));
  }

  @Test
  void operatorReadsTheCustomResourcesAndPatchesTheirStatusClusterWide() {
    for (String kind : KINDS) {
      for (String verb : READ_VERBS) {
        assertThat(rbac.allows(operator, verb, Rbac.GROUP, kind, null))
            .as("%s %s", verb, kind)
            .isTrue();
      }
      assertThat(rbac.allows(operator, "patch", Rbac.GROUP, kind + "/status", null))
          .as("patch %s/status", kind)
          .isTrue();
      for (String verb : WRITE_VERBS) {
        assertThat(rbac.allows(operator, verb, Rbac.GROUP, kind, "team-claims"))
            .as("%s %s", verb, kind)
            .isFalse();
      }
    }
    assertThat(rbac.allows(operator, "create", "", "events", "team-claims")).isTrue();
    assertThat(rbac.allows(operator, "patch", "", "events", "team-claims")).isTrue();
  }

  @Test
  void operatorMayReviewTokensAndAccessForTheReadApiButNothingMore() {
    assertThat(rbac.allows(operator, "create", "authentication.k8s.io", "tokenreviews", null))
        .isTrue();
    assertThat(
            rbac.allows(operator, "create", "authorization.k8s.io", "subjectaccessreviews", null))
        .isTrue();
    for (String verb : List.of("get", "list", "watch", "delete")) {
      assertThat(rbac.allows(operator, verb, "authentication.k8s.io", "tokenreviews", null))
          .as(verb)
          .isFalse();
    }
    assertThat(rbac.allows(operator, "create", "", "serviceaccounts/token", NAMESPACE))
        .as("it never mints tokens")
        .isFalse();
  }

  /** The delivery history: ConfigMaps read by name and written, never listed or cached. */
  @Test
  void operatorKeepsDeliveryHistoriesInConfigMapsOfTheWebhookNamespaceOnly() {
    for (String verb : List.of("get", "create", "update")) {
      assertThat(rbac.allows(operator, verb, "", "configmaps", WEBHOOK_NAMESPACE))
          .as(verb)
          .isTrue();
      assertThat(rbac.allows(operator, verb, "", "configmaps", NAMESPACE))
          .as(verb + " in the release namespace")
          .isFalse();
      assertThat(rbac.allows(operator, verb, "", "configmaps", null))
          .as(verb + " cluster-wide")
          .isFalse();
    }
    for (String verb : List.of("list", "watch", "patch", "delete", "deletecollection")) {
      assertThat(rbac.allows(operator, verb, "", "configmaps", WEBHOOK_NAMESPACE))
          .as(verb)
          .isFalse();
    }
  }

  @Test
  void operatorReadsSecretsOnlyInTheWebhookNamespace() {
    for (String verb : READ_VERBS) {
      assertThat(rbac.allows(operator, verb, "", "secrets", WEBHOOK_NAMESPACE)).as(verb).isTrue();
      assertThat(rbac.allows(operator, verb, "", "secrets", NAMESPACE))
          .as(verb + " elsewhere")
          .isFalse();
      assertThat(rbac.allows(operator, verb, "", "secrets", null))
          .as(verb + " cluster-wide")
          .isFalse();
    }
    for (String verb : WRITE_VERBS) {
      assertThat(rbac.allows(operator, verb, "", "secrets", WEBHOOK_NAMESPACE)).as(verb).isFalse();
    }
    Role role = rendered.one(Role.class, WEBHOOK_NAMESPACE, FULLNAME + "-read-secrets");
    assertThat(role.getRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getResources()).containsExactly("secrets");
              assertThat(rule.getVerbs()).containsExactlyInAnyOrderElementsOf(READ_VERBS);
            });
    RoleBinding binding =
        rendered.one(RoleBinding.class, WEBHOOK_NAMESPACE, FULLNAME + "-read-secrets");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(FULLNAME);
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
  }

  @Test
  void operatorMayHoldOnlyItsOwnLeaseInTheReleaseNamespace() {
    for (String verb : List.of("get", "update", "patch")) {
      assertThat(rbac.allows(operator, verb, "coordination.k8s.io", "leases", NAMESPACE, LEASE))
          .as(verb)
          .isTrue();
      assertThat(
              rbac.allows(
                  operator, verb, "coordination.k8s.io", "leases", NAMESPACE, "kube-scheduler"))
          .as(verb)
          .isFalse();
    }
    assertThat(rbac.allows(operator, "create", "coordination.k8s.io", "leases", NAMESPACE))
        .isTrue();
    assertThat(rbac.allows(operator, "get", "coordination.k8s.io", "leases", "kube-system", LEASE))
        .isFalse();
    assertThat(rbac.allows(operator, "delete", "coordination.k8s.io", "leases", NAMESPACE, LEASE))
        .isFalse();
  }

  @Test
  void systemAdminRoleWritesWebhooksAndMailboxesAndReadsRules() {
    List<PolicyRule> rules = clusterRole("-system-admin").getRules();

    for (String verb : concat(READ_VERBS, WRITE_VERBS)) {
      assertThat(Rbac.rulesAllow(rules, verb, Rbac.GROUP, "webhooks"))
          .as("%s webhooks", verb)
          .isTrue();
      assertThat(Rbac.rulesAllow(rules, verb, Rbac.GROUP, "mailboxes"))
          .as("%s mailboxes", verb)
          .isTrue();
    }
    assertThat(Rbac.rulesAllow(rules, ADDRESS_VERB, Rbac.GROUP, "mailboxes")).isTrue();
    for (String verb : READ_VERBS) {
      assertThat(Rbac.rulesAllow(rules, verb, Rbac.GROUP, "mailboxrules"))
          .as("%s mailboxrules", verb)
          .isTrue();
    }
    for (String verb : WRITE_VERBS) {
      assertThat(Rbac.rulesAllow(rules, verb, Rbac.GROUP, "mailboxrules"))
          .as("%s mailboxrules", verb)
          .isFalse();
    }
    assertThat(clusterRole("-system-admin").getMetadata().getLabels())
        .noneSatisfy(
            (key, value) -> assertThat(key).startsWith("rbac.authorization.k8s.io/aggregate-to"));
  }

  @Test
  void anAdmissionPolicyKeepsAMailboxsAddressWithWhoeverHoldsTheAddressVerb() {
    ValidatingAdmissionPolicy policy =
        rendered.one(ValidatingAdmissionPolicy.class, FULLNAME + "-mailbox-address");
    ValidatingAdmissionPolicyBinding binding =
        rendered.one(ValidatingAdmissionPolicyBinding.class, FULLNAME + "-mailbox-address");

    assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
    assertThat(policy.getSpec().getMatchConstraints().getResourceRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getApiGroups()).containsExactly(Rbac.GROUP);
              assertThat(rule.getResources()).containsExactly("mailboxes");
              assertThat(rule.getOperations()).containsExactly("UPDATE");
            });
    assertThat(policy.getSpec().getValidations())
        .singleElement()
        .satisfies(
            validation -> {
              assertThat(validation.getExpression())
                  .startsWith("object.spec.address == oldObject.spec.address ||")
                  .contains(".resource('mailboxes')", ".check('" + ADDRESS_VERB + "').allowed()");
              assertThat(validation.getReason()).isEqualTo("Forbidden");
            });
    assertThat(binding.getSpec().getPolicyName()).isEqualTo(policy.getMetadata().getName());
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
    assertThat(binding.getSpec().getMatchResources()).as("every namespace").isNull();
  }

  @Test
  void systemAdminsGetSecretsThroughARoleInTheWebhookNamespace() {
    Role role = rendered.one(Role.class, WEBHOOK_NAMESPACE, FULLNAME + "-webhook-secrets");
    for (String verb : List.of("get", "list", "create", "update", "patch", "delete")) {
      assertThat(Rbac.rulesAllow(role.getRules(), verb, "", "secrets")).as(verb).isTrue();
    }
    assertThat(rendered.all(RoleBinding.class))
        .as("without rbac.systemAdminGroup nobody is bound to it")
        .noneMatch(b -> b.getRoleRef().getName().equals(FULLNAME + "-webhook-secrets"));
    assertThat(rendered.all(ClusterRoleBinding.class))
        .extracting(b -> b.getRoleRef().getName())
        .containsExactly(FULLNAME);
  }

  @Test
  void mailboxAdminRoleWritesRulesEditsMailboxesAndCannotTouchWebhooksOrSecrets() {
    ClusterRole role = clusterRole("-mailbox-admin");
    List<PolicyRule> rules = role.getRules();

    for (String verb : concat(READ_VERBS, WRITE_VERBS)) {
      assertThat(Rbac.rulesAllow(rules, verb, Rbac.GROUP, "mailboxrules"))
          .as("%s mailboxrules", verb)
          .isTrue();
      assertThat(Rbac.rulesAllow(rules, verb, Rbac.GROUP, "webhooks"))
          .as("%s webhooks", verb)
          .isFalse();
      assertThat(Rbac.rulesAllow(rules, verb, "", "secrets")).as("%s secrets", verb).isFalse();
    }
    for (String verb : concat(READ_VERBS, List.of("update", "patch"))) {
      assertThat(Rbac.rulesAllow(rules, verb, Rbac.GROUP, "mailboxes"))
          .as("%s mailboxes", verb)
          .isTrue();
    }
    for (String verb : List.of("create", "delete", "deletecollection", ADDRESS_VERB)) {
      assertThat(Rbac.rulesAllow(rules, verb, Rbac.GROUP, "mailboxes"))
          .as("%s mailboxes", verb)
          .isFalse();
    }
    assertThat(role.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
  }

  @Test
  void viewRoleReadsTheThreeKindsAndAggregatesIntoView() {
    ClusterRole role = clusterRole("-view");
    for (String kind : KINDS) {
      for (String verb : READ_VERBS) {
        assertThat(Rbac.rulesAllow(role.getRules(), verb, Rbac.GROUP, kind))
            .as("%s %s", verb, kind)
            .isTrue();
      }
      for (String verb : WRITE_VERBS) {
        assertThat(Rbac.rulesAllow(role.getRules(), verb, Rbac.GROUP, kind))
            .as("%s %s", verb, kind)
            .isFalse();
      }
    }
    assertThat(role.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true");
  }

  @Test
  void noRoleAggregatedIntoAdminOrEditCanWriteWebhooks() {
    List<ClusterRole> aggregatedIntoWriters =
        rendered.all(ClusterRole.class).stream()
            .filter(
                role -> {
                  Map<String, String> labels = role.getMetadata().getLabels();
                  return "true".equals(labels.get("rbac.authorization.k8s.io/aggregate-to-admin"))
                      || "true".equals(labels.get("rbac.authorization.k8s.io/aggregate-to-edit"))
                      || "true".equals(labels.get("rbac.authorization.k8s.io/aggregate-to-view"));
                })
            .toList();

    assertThat(aggregatedIntoWriters).hasSize(2);
    assertThat(aggregatedIntoWriters)
        .allSatisfy(
            role -> {
              for (String verb : WRITE_VERBS) {
                assertThat(Rbac.rulesAllow(role.getRules(), verb, Rbac.GROUP, "webhooks"))
                    .as("%s webhooks", verb)
                    .isFalse();
                assertThat(Rbac.rulesAllow(role.getRules(), verb, "", "secrets"))
                    .as("%s secrets", verb)
                    .isFalse();
              }
            });
  }

  private static Deployment deployment() {
    return rendered.one(Deployment.class, NAMESPACE, FULLNAME);
  }

  private static Container container() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("operator"))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> env() {
    return container().getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
  }

  private static VolumeMount mount(String path) {
    return container().getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume mounted at " + path));
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static int port(Container container, String name) {
    return container.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port " + name));
  }

  private static void assertHttpGet(Probe probe, String path) {
    assertThat(probe).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort()).isEqualTo(new IntOrString("health"));
  }

  private static ClusterRole clusterRole(String suffix) {
    return rendered.one(ClusterRole.class, FULLNAME + suffix);
  }

  private static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
