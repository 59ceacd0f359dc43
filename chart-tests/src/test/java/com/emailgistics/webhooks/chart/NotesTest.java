package com.emailgistics.webhooks.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** NOTES.txt: the next steps printed after `helm install`, with this release's names. */
class NotesTest {

  @Test
  void defaultNotesExplainHowToTurnTheFeatureOnAndUseIt() {
    String notes = notes(HelmChart.installOutput(UnaryOperator.identity()));

    assertThat(notes)
        .contains("Webhooks feature:    OFF")
        .contains("--reuse-values --set webhooks.enabled=true")
        .contains("Webhook namespaces:  emailgistics-admin")
        .contains("Mailbox namespaces:  all")
        .contains("kubectl -n emailgistics-system rollout status deployment/emailgistics-operator")
        .contains(
            "kubectl -n emailgistics-admin annotate webhook crm-enrichment \\\n"
                + "       webhooks.emailgistics.com/test-requested-at=\"$(date -u +%FT%TZ)\" --overwrite")
        .contains(
            "-o jsonpath='{.status.conditions[?(@.type==\"TestSucceeded\")].message}{\"\\n\"}'")
        .contains(
            "URL:   http://emailgistics-operator.emailgistics-system.svc:8080  (POST /v1/mailboxes/<address>/messages)")
        .contains("get secret emailgistics-operator-dispatch-token")
        .contains("-o jsonpath='{.data.token}' | base64 -d")
        .contains("port-forward service/emailgistics-operator 8080:8080")
        .contains(
            "Metrics: http://emailgistics-operator-metrics.emailgistics-system.svc:8081/metrics")
        .contains(
            "kubectl -n team-claims create rolebinding claims-mailbox-admins \\\n"
                + "       --clusterrole=emailgistics-operator-mailbox-admin --group=claims-mailbox-admins")
        .contains("Users with the built-in admin or edit role")
        .contains("--clusterrole=emailgistics-operator-system-admin --group=<admins>")
        .contains(
            "kubectl -n emailgistics-admin create rolebinding emailgistics-operator-webhook-secrets");
  }

  @Test
  void customNotesFollowTheValues() {
    String notes =
        notes(
            HelmChart.installOutput(
                i -> i.withValuesFile(HelmChart.resource("values-custom.yaml"))));

    assertThat(notes)
        .contains("Webhooks feature:    ON")
        .contains("--set webhooks.enabled=false")
        .contains("Webhook namespaces:  admins-a, admins-b")
        .contains("Mailbox namespaces:  team-x, team-y")
        .contains("Replicas:            3")
        .contains("kubectl -n admins-a annotate webhook crm-enrichment")
        .contains("URL:   http://emailgistics-operator.emailgistics-system.svc:9090")
        .contains("get secret my-dispatch-token")
        .contains("-o jsonpath='{.data.bearer}'")
        .contains("granted to group \"emailgistics-admins\" by this release")
        .doesNotContain("Users with the built-in admin or edit role")
        .doesNotContain("--set webhooks.enabled=true");
  }

  private static String notes(String output) {
    assertThat(output).contains("NOTES:");
    return output.substring(output.indexOf("NOTES:"));
  }
}
