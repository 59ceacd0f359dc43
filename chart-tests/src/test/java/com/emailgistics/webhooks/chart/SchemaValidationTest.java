package com.emailgistics.webhooks.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json (and the chart's own checks) reject wrong values with the field's name. */
class SchemaValidationTest {
  private static final String SCHEMA_FAILURE =
      "values don't meet the specifications of the schema(s)";

  static Stream<Arguments> badScalarValues() {
    return Stream.of(
        Arguments.of("replicaCount", "0", "- replicaCount: Must be greater than or equal to 1"),
        Arguments.of(
            "replicaCount",
            "two",
            "- replicaCount: Invalid type. Expected: integer, given: string"),
        Arguments.of(
            "logFormat",
            "xml",
            "- logFormat: logFormat must be one of the following: \"plain\", \"json\""),
        Arguments.of(
            "webhooks.enabled",
            "maybe",
            "- webhooks.enabled: Invalid type. Expected: boolean, given: string"),
        Arguments.of("replicas", "3", "- (root): Additional property replicas is not allowed"),
        Arguments.of(
            "webhooks.enable", "true", "- webhooks: Additional property enable is not allowed"),
        Arguments.of(
            "dispatch.port", "70000", "- dispatch.port: Must be less than or equal to 65535"),
        Arguments.of("health.port", "0", "- health.port: Must be greater than or equal to 1"),
        Arguments.of(
            "dispatch.readTimeoutSeconds",
            "0",
            "- dispatch.readTimeoutSeconds: Must be greater than or equal to 1"),
        Arguments.of(
            "dispatch.maxBodyBytes",
            "10",
            "- dispatch.maxBodyBytes: Must be greater than or equal to 1024"),
        Arguments.of(
            "dispatch.maxBodyBytes",
            "100000000",
            "- dispatch.maxBodyBytes: Must be less than or equal to 6.7108864e+07" /* gojsonschema prints large limits in exponent form */),
        Arguments.of(
            "dispatch.readTimeoutSeconds",
            "3601",
            "- dispatch.readTimeoutSeconds: Must be less than or equal to 3600"),
        Arguments.of(
            "dispatch.maxMessagesInFlight",
            "0",
            "- dispatch.maxMessagesInFlight: Must be greater than or equal to 1"),
        Arguments.of(
            "dispatch.drainSeconds",
            "-1",
            "- dispatch.drainSeconds: Must be greater than or equal to 0"),
        Arguments.of(
            "delivery.maxInFlightPerWebhook",
            "0",
            "- delivery.maxInFlightPerWebhook: Must be greater than or equal to 1"),
        Arguments.of(
            "delivery.http2", "maybe", "- delivery.http2: Invalid type. Expected: boolean"),
        Arguments.of(
            "image.pullPolicy",
            "Sometimes",
            "- image.pullPolicy: image.pullPolicy must be one of the following"),
        Arguments.of(
            "service.type",
            "ExternalName",
            "- service.type: service.type must be one of the following"),
        Arguments.of(
            "serviceMonitor.interval", "soon", "- serviceMonitor.interval: Does not match pattern"),
        Arguments.of(
            "rbac.aggregateToDefaultRoles",
            "yes",
            "- rbac.aggregateToDefaultRoles: Invalid type. Expected: boolean"),
        Arguments.of(
            "tmpSizeLimit", "lots", "- tmpSizeLimit: Must validate at least one schema (anyOf)"),
        Arguments.of(
            "webhookNamespaces",
            "a,b",
            "- webhookNamespaces: Invalid type. Expected: array, given: string"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badScalarValues")
  void templateRejectsBadValueNamingTheField(String key, String value, String expectedMessage) {
    assertThatThrownBy(() -> HelmChart.template().set(key, value).call())
        .hasMessageContaining(SCHEMA_FAILURE)
        .hasMessageContaining(expectedMessage);
  }

  static Stream<Arguments> badValuesFiles() {
    return Stream.of(
        Arguments.of(
            "webhookNamespaces: []", "- webhookNamespaces: Array must have at least 1 items"),
        Arguments.of("webhookNamespaces: ['*']", "- webhookNamespaces.0: Does not match pattern"),
        Arguments.of(
            "webhookNamespaces: [admins, admins]",
            "- webhookNamespaces: array items[0,1] must be unique"),
        Arguments.of(
            "mailboxNamespaces: [Team_X]", "- mailboxNamespaces.0: Does not match pattern"),
        Arguments.of(
            "extraEnv: [{name: EMAILGISTICS_WEBHOOKS_ENABLED, value: 'true'}]",
            "- extraEnv.0.name: Must not validate the schema (not)"),
        Arguments.of(
            "resources: {requests: {memory: lots}}",
            "- resources.requests.memory: Does not match pattern"),
        Arguments.of(
            "networkPolicy: {enabled: true, webhookPorts: []}",
            "- networkPolicy.webhookPorts: Array must have at least 1 items"),
        Arguments.of(
            "dispatch: {existingTokenSecret: {name: Not_A_Name}}",
            "- dispatch.existingTokenSecret.name: Does not match pattern"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValuesFiles")
  void templateRejectsBadValuesFileNamingTheField(
      String values, String expectedMessage, @TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("values.yaml"), values + "\n");

    assertThatThrownBy(() -> HelmChart.template().withValuesFile(file).call())
        .hasMessageContaining(SCHEMA_FAILURE)
        .hasMessageContaining(expectedMessage);
  }

  @Test
  void dispatchAndHealthPortsMustDiffer() {
    assertThatThrownBy(() -> HelmChart.template().set("dispatch.port", "8081").call())
        .hasMessageContaining("dispatch.port and health.port must be different ports");
  }

  @Test
  void bytesInFlightMustHoldTheLargestBody() {
    assertThatThrownBy(
            () ->
                HelmChart.template()
                    .set("dispatch.maxBodyBytes", "8388608")
                    .set("dispatch.maxBytesInFlight", "4194304")
                    .call())
        .hasMessageContaining("dispatch.maxBytesInFlight must be at least dispatch.maxBodyBytes");
  }

  @Test
  void validValuesForTheSameFieldsRender(@TempDir Path dir) throws IOException {
    // The counterpart of the rejections above: the same keys with good values render, so the
    // failures come from the values and not from the way they are passed.
    Path file =
        Files.writeString(
            dir.resolve("values.yaml"),
            """
        webhookNamespaces: [admins]
        mailboxNamespaces: [team-x]
        extraEnv: [{name: TZ, value: UTC}]
        resources: {requests: {memory: 300Mi}}
        networkPolicy: {enabled: true, webhookPorts: [443]}
        dispatch: {existingTokenSecret: {name: my-token}, tls: {secretName: dispatch-tls}}
        """);
    Rendered rendered =
        HelmChart.render(
            t ->
                t.withValuesFile(file)
                    .set("replicaCount", "2")
                    .set("logFormat", "json")
                    .set("webhooks.enabled", "true")
                    .set("dispatch.port", "9000")
                    .set("health.port", "9001")
                    .set("dispatch.readTimeoutSeconds", "5")
                    .set("dispatch.maxBodyBytes", "2048")
                    .set("image.pullPolicy", "Always")
                    .set("service.type", "LoadBalancer")
                    .set("serviceMonitor.interval", "1m")
                    .set("rbac.aggregateToDefaultRoles", "false"));

    Deployment deployment = rendered.one(Deployment.class, HelmChart.NAMESPACE, HelmChart.FULLNAME);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(
            tuple("EMAILGISTICS_WEBHOOKS_ENABLED", "true"),
            tuple("EMAILGISTICS_LOG_FORMAT", "json"),
            tuple("EMAILGISTICS_WEBHOOK_NAMESPACES", "admins"),
            tuple("EMAILGISTICS_DISPATCH_PORT", "9000"),
            tuple("EMAILGISTICS_DISPATCH_TLS_CERT_FILE", "/etc/emailgistics/dispatch-tls/tls.crt"));
  }
}
