package com.emailgistics.webhooks.chart;

import static com.emailgistics.webhooks.chart.HelmChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;

/** Single options with effects of their own: names, an existing ServiceAccount, OpenShift, /tmp. */
class OptionsTest {

  @Test
  void releaseNameWithoutTheChartNameIsPrefixedToIt() {
    Rendered rendered = HelmChart.render(t -> t.withName("prod"));

    assertThat(rendered.objects)
        .extracting(o -> o.getMetadata().getName())
        .allMatch(name -> name.startsWith("prod-emailgistics-operator"));
    rendered.one(ClusterRole.class, "prod-emailgistics-operator-mailbox-admin");
    assertThat(rendered.objects)
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/instance", "prod"));
  }

  @Test
  void fullnameOverrideNamesEveryObject() {
    Rendered rendered = HelmChart.render(t -> t.set("fullnameOverride", "mail"));

    assertThat(rendered.objects)
        .extracting(HasMetadata::getMetadata)
        .allSatisfy(meta -> assertThat(meta.getName()).startsWith("mail"));
    rendered.one(Deployment.class, NAMESPACE, "mail");
    rendered.one(ClusterRole.class, "mail-system-admin");
  }

  @Test
  void anExistingServiceAccountIsUsedAndBoundButNotCreated() {
    Rendered rendered =
        HelmChart.render(
            t -> t.set("serviceAccount.create", "false").set("serviceAccount.name", "platform-sa"));

    assertThat(rendered.all(ServiceAccount.class)).isEmpty();
    assertThat(pod(rendered).getServiceAccountName()).isEqualTo("platform-sa");
    assertThat(rendered.all(ClusterRoleBinding.class))
        .flatExtracting(ClusterRoleBinding::getSubjects)
        .extracting(s -> s.getName())
        .containsOnly("platform-sa");
    assertThat(rendered.all(RoleBinding.class))
        .flatExtracting(RoleBinding::getSubjects)
        .extracting(s -> s.getName())
        .containsOnly("platform-sa");
  }

  @Test
  void dispatchTlsMountsTheCertificateSecretAndServesHttps() {
    Rendered rendered = HelmChart.render(t -> t.set("dispatch.tls.secretName", "dispatch-tls"));

    PodSpec pod = pod(rendered);
    Container operator = pod.getContainers().get(0);
    assertThat(operator.getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .contains(
            "EMAILGISTICS_DISPATCH_TLS_CERT_FILE=/etc/emailgistics/dispatch-tls/tls.crt",
            "EMAILGISTICS_DISPATCH_TLS_KEY_FILE=/etc/emailgistics/dispatch-tls/tls.key");
    assertThat(operator.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("dispatch-tls"))
        .singleElement()
        .satisfies(
            mount -> {
              assertThat(mount.getMountPath()).isEqualTo("/etc/emailgistics/dispatch-tls");
              assertThat(mount.getReadOnly()).isTrue();
              assertThat(mount.getSubPath()).as("a renewal must reach the pod").isNull();
            });
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("dispatch-tls"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("dispatch-tls"));
    assertThat(
            rendered
                .one(Service.class, NAMESPACE, HelmChart.FULLNAME)
                .getSpec()
                .getPorts()
                .get(0)
                .getAppProtocol())
        .isEqualTo("https");
  }

  @Test
  void withoutTlsTheDispatchEnvironmentHasNoCertificate() {
    assertThat(pod(HelmChart.renderDefaults()).getContainers().get(0).getEnv())
        .extracting(e -> e.getName())
        .doesNotContain(
            "EMAILGISTICS_DISPATCH_TLS_CERT_FILE", "EMAILGISTICS_DISPATCH_TLS_KEY_FILE");
  }

  @Test
  void aLoadBalancerIsRefusedUntilDispatchHasTls() {
    assertThatThrownBy(() -> HelmChart.render(t -> t.set("service.type", "LoadBalancer")))
        .hasMessageContaining(
            "service.type LoadBalancer would expose dispatch, its bearer token and whole messages"
                + " in plain HTTP: set dispatch.tls.secretName to a kubernetes.io/tls Secret");

    Rendered rendered =
        HelmChart.render(
            t ->
                t.set("service.type", "LoadBalancer")
                    .set("dispatch.tls.secretName", "dispatch-tls"));
    assertThat(rendered.one(Service.class, NAMESPACE, HelmChart.FULLNAME).getSpec().getType())
        .isEqualTo("LoadBalancer");
    assertThat(
            rendered
                .one(Service.class, NAMESPACE, HelmChart.FULLNAME + "-metrics")
                .getSpec()
                .getType())
        .as("metrics stay inside the cluster")
        .isEqualTo("ClusterIP");
  }

  @Test
  void theMailboxAddressPolicyCanBeLeftOutOnClustersWithoutAdmissionPolicies() {
    Rendered rendered = HelmChart.render(t -> t.set("rbac.mailboxAddressPolicy", "false"));

    assertThat(rendered.all(ValidatingAdmissionPolicy.class)).isEmpty();
    assertThat(rendered.all(ValidatingAdmissionPolicyBinding.class)).isEmpty();
  }

  @Test
  void webhookDeliveriesCanBeKeptOutOfDeniedRanges() {
    Rendered rendered =
        HelmChart.render(
            t ->
                t.set("networkPolicy.enabled", "true")
                    .set("networkPolicy.webhookDeniedCidrs[0]", "10.0.0.0/8")
                    .set("networkPolicy.webhookDeniedCidrs[1]", "fd00::/8"));

    NetworkPolicyEgressRule webhooks =
        rendered
            .one(NetworkPolicy.class, NAMESPACE, HelmChart.FULLNAME)
            .getSpec()
            .getEgress()
            .stream()
            .filter(
                rule ->
                    rule.getPorts().size() == 1
                        && rule.getPorts().get(0).getPort().getIntVal() == 443)
            .findFirst()
            .orElseThrow();
    assertThat(webhooks.getTo())
        .extracting(peer -> peer.getIpBlock().getCidr())
        .containsExactly("0.0.0.0/0", "::/0");
    assertThat(webhooks.getTo().get(0).getIpBlock().getExcept()).containsExactly("10.0.0.0/8");
    assertThat(webhooks.getTo().get(1).getIpBlock().getExcept()).containsExactly("fd00::/8");
  }

  @Test
  void notCreatingAServiceAccountRequiresItsName() {
    assertThatThrownBy(() -> HelmChart.template().set("serviceAccount.create", "false").call())
        .hasMessageContaining(
            "serviceAccount.name is required when serviceAccount.create is false");
  }

  @Test
  void openShiftCanLetItsSecurityContextConstraintsPickTheIds() {
    Rendered rendered =
        HelmChart.render(
            t ->
                t.set("podSecurityContext.runAsUser", "null")
                    .set("podSecurityContext.runAsGroup", "null")
                    .set("podSecurityContext.fsGroup", "null"));

    PodSecurityContext context = pod(rendered).getSecurityContext();
    assertThat(context.getRunAsUser()).isNull();
    assertThat(context.getRunAsGroup()).isNull();
    assertThat(context.getFsGroup()).isNull();
    assertThat(context.getRunAsNonRoot()).isTrue();
    assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void tmpWithoutASizeLimitIsStillAnEmptyDir() {
    Rendered rendered = HelmChart.render(t -> t.set("tmpSizeLimit", ""));

    Volume tmp =
        pod(rendered).getVolumes().stream()
            .filter(v -> v.getName().equals("tmp"))
            .findFirst()
            .orElseThrow();
    assertThat(tmp.getEmptyDir()).isNotNull();
    assertThat(tmp.getEmptyDir().getSizeLimit()).isNull();
  }

  private static PodSpec pod(Rendered rendered) {
    return rendered
        .one(Deployment.class, NAMESPACE, HelmChart.FULLNAME)
        .getSpec()
        .getTemplate()
        .getSpec();
  }
}
