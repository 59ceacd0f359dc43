package com.emailgistics.webhooks.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chart.yaml, `helm lint --strict`, and the kubeVersion constraint. */
class ChartLintAndMetadataTest {

  @Test
  void chartYamlDescribesTheChart() throws Exception {
    Map<String, Object> chart =
        HelmChart.yamlMap(Files.readString(HelmChart.DIR.resolve("Chart.yaml")));

    assertThat(chart)
        .containsEntry("apiVersion", "v2")
        .containsEntry("name", "emailgistics-operator")
        .containsEntry("type", "application")
        .containsEntry("version", "0.1.0")
        .containsEntry("appVersion", "0.1.0")
        .containsEntry("kubeVersion", ">=1.28.0-0");
    assertThat(HelmChart.DIR.getFileName()).hasToString("emailgistics-operator");
  }

  @Test
  void strictLintOfTheChartWithItsRequiredValuePasses() {
    // Lint has no --values option: lint a copy whose values.yaml adds webhookNamespaces.
    LintResult result = HelmChart.lintStrict(HelmChart.copyWithValues("lint-required", Map.of()));

    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
  }

  @Test
  void withoutWebhookNamespacesTheChartRefusesToRenderAndSaysWhatToSet() {
    assertThatThrownBy(() -> HelmChart.templateWithoutRequiredValues().call())
        .hasMessageContaining(
            "webhookNamespaces is not set: list the namespaces that hold your Webhooks and their"
                + " Secrets, for example --set 'webhookNamespaces={emailgistics-admin}'. Use a"
                + " namespace of its own, not the release namespace, which holds the dispatch"
                + " token.");
    assertThat(HelmChart.lintStrict(HelmChart.DIR).isFailed()).isTrue();
  }

  @Test
  void strictLintPassesWithEveryOptionalFeatureOn() throws Exception {
    // Lint has no --values option: lint a copy whose values.yaml has the non-default values merged
    // in, so the ServiceMonitor, NetworkPolicy, PodDisruptionBudget and bindings are linted too.
    Map<String, Object> custom =
        HelmChart.yamlMap(Files.readString(HelmChart.resource("values-custom.yaml")));
    Path copy = HelmChart.copyWithValues("lint-custom", custom);

    LintResult result = HelmChart.lintStrict(copy);

    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void strictLintFailsOnAValueTheSchemaRejects() {
    Path copy = HelmChart.copyWithValues("lint-bad-log-format", Map.of("logFormat", "xml"));

    LintResult result = HelmChart.lintStrict(copy);

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages()))
        .contains("logFormat")
        .contains("plain")
        .contains("json");
  }

  @Test
  void helmRefusesKubernetesOlderThan128() {
    // helm-java renders for its built-in Kubernetes v1.20.0, which the constraint excludes; this is
    // also why the other tests render a copy without the constraint (HelmChart.template()).
    assertThatThrownBy(() -> HelmChart.templateUnmodified().call())
        .hasMessageContaining("chart requires kubeVersion: >=1.28.0-0")
        .hasMessageContaining("incompatible with Kubernetes v1.20.0");
  }
}
