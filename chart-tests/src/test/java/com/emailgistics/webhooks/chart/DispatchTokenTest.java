package com.emailgistics.webhooks.chart;

import static com.emailgistics.webhooks.chart.HelmChart.FULLNAME;
import static com.emailgistics.webhooks.chart.HelmChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated dispatch token: random on a first install, the previous one on an upgrade (the
 * chart's `lookup`, answered here by the tests' fake API server as a cluster would).
 */
class DispatchTokenTest {
  private static final String SECRET = FULLNAME + "-dispatch-token";

  @BeforeEach
  void emptyCluster() {
    HelmChart.API_SERVER.clear();
  }

  @Test
  void firstInstallGeneratesADifferentRandomTokenEachTime() {
    String first = token(HelmChart.renderDefaults());
    String second = token(HelmChart.renderDefaults());

    assertThat(first).hasSize(48).matches("[A-Za-z0-9]+");
    assertThat(second).hasSize(48).isNotEqualTo(first);
    assertThat(HelmChart.API_SERVER.requests())
        .contains("GET /api/v1/namespaces/" + NAMESPACE + "/secrets/" + SECRET);
  }

  @Test
  void upgradeKeepsTheTokenOfTheExistingSecret() {
    String previous = "previous-token-kept-across-upgrades-0123456789";
    HelmChart.API_SERVER.putSecret(
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(NAMESPACE)
            .withName(SECRET)
            .endMetadata()
            .addToData("token", base64(previous))
            .build());

    assertThat(token(HelmChart.renderDefaults())).isEqualTo(previous);
    assertThat(token(HelmChart.renderDefaults())).isEqualTo(previous);
  }

  @Test
  void aSecretOfTheSameNameInAnotherNamespaceIsNotReused() {
    HelmChart.API_SERVER.putSecret(
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace("elsewhere")
            .withName(SECRET)
            .endMetadata()
            .addToData("token", base64("not-this-one"))
            .build());

    assertThat(token(HelmChart.renderDefaults())).isNotEqualTo("not-this-one").hasSize(48);
  }

  @Test
  void anExistingSecretWithoutATokenGetsANewOne() {
    HelmChart.API_SERVER.putSecret(
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(NAMESPACE)
            .withName(SECRET)
            .endMetadata()
            .addToData("other", base64("x"))
            .build());

    assertThat(token(HelmChart.renderDefaults())).hasSize(48).matches("[A-Za-z0-9]+");
  }

  private static String token(Rendered rendered) {
    Secret secret = rendered.one(Secret.class, NAMESPACE, SECRET);
    return new String(
        Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
