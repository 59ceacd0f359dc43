package com.emailgistics.webhooks.chart;

import static com.emailgistics.webhooks.chart.HelmChart.FULLNAME;
import static com.emailgistics.webhooks.chart.HelmChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The opt-in PrometheusRule and Grafana dashboard. The alert rules are run by Prometheus' own
 * `promtool test rules` against unit-test series in which each alert fires and does not fire
 * (alerts.test.yaml); scripts/test.sh installs promtool when it is missing.
 */
class MonitoringTest {
  private static final Path WORK = Path.of("target/chart-work/promtool").toAbsolutePath();

  @Test
  void monitoringObjectsAreOptIn() {
    Rendered rendered = HelmChart.renderDefaults();

    assertThat(rendered.generic("monitoring.coreos.com/v1", "PrometheusRule")).isEmpty();
    assertThat(rendered.all(ConfigMap.class)).isEmpty();
  }

  @Test
  void everyAlertFiresAndStaysQuietWhereItShouldUnderPromtool() throws Exception {
    GenericKubernetesResource rule =
        single(
            HelmChart.render(t -> t.set("prometheusRule.enabled", "true"))
                .generic("monitoring.coreos.com/v1", "PrometheusRule"));
    assertThat(rule.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    Files.createDirectories(WORK);
    Files.writeString(
        WORK.resolve("rules.yaml"),
        HelmChart.SERIALIZATION.asYaml(Map.of("groups", rule.get("spec", "groups"))));
    Files.copy(
        HelmChart.resource("alerts.test.yaml"),
        WORK.resolve("alerts.test.yaml"),
        StandardCopyOption.REPLACE_EXISTING);

    Process promtool =
        new ProcessBuilder("promtool", "test", "rules", "alerts.test.yaml")
            .directory(WORK.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(promtool.waitFor(2, TimeUnit.MINUTES)).isTrue();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(promtool.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS");
    List<Map<String, Object>> groups = rule.get("spec", "groups");
    List<Map<String, Object>> rules = (List<Map<String, Object>>) groups.get(0).get("rules");
    assertThat(rules)
        .extracting(r -> r.get("alert"))
        .containsExactly(
            "EmailgisticsWebhookDeliveriesFailing",
            "EmailgisticsWebhookTestFailing",
            "EmailgisticsDispatchRefusing",
            "EmailgisticsDispatchSlow",
            "EmailgisticsOperatorNotReady",
            "EmailgisticsReconcileErrors");
    String tests = Files.readString(WORK.resolve("alerts.test.yaml"));
    rules.forEach(
        r ->
            assertThat(tests)
                .as("alerts.test.yaml tests " + r.get("alert"))
                .contains("alertname: " + r.get("alert")));
  }

  @Test
  void dashboardIsAConfigMapForGrafanasSidecar() throws IOException {
    Rendered rendered = HelmChart.render(t -> t.set("grafanaDashboard.enabled", "true"));

    ConfigMap dashboard = rendered.one(ConfigMap.class, NAMESPACE, FULLNAME + "-dashboard");
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    JsonNode json =
        new ObjectMapper().readTree(dashboard.getData().get("emailgistics-webhooks.json"));
    assertThat(json.get("uid").asText()).isEqualTo("emailgistics-webhooks");
    assertThat(json.get("panels"))
        .extracting(panel -> panel.get("title").asText())
        .contains(
            "Dispatch rate by status",
            "Dispatch latency (answered messages)",
            "Delivery outcomes by webhook",
            "In flight",
            "Cached objects by kind",
            "Reconciliations by kind");
  }

  private static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }
}
