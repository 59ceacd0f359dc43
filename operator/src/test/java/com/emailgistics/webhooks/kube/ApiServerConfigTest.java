package com.emailgistics.webhooks.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What fabric8's refresh before a request reads again, by the kind of credentials. */
class ApiServerConfigTest {
  @TempDir Path dir;

  @Test
  void aClientCertificateConfigurationIsReadOnceNotBeforeEveryRequest() throws IOException {
    Path kubeconfig =
        write(kubeconfig("https://127.0.0.1:6443", "client-certificate-data: Y2VydA=="));
    Config loaded =
        ApiServerConfig.withoutPointlessRefresh(Config.fromKubeconfig(kubeconfig.toFile()));
    write(kubeconfig("https://moved.example:6443", "client-certificate-data: Y2VydA=="));

    Config refreshed = loaded.refresh();

    assertThat(refreshed).isSameAs(loaded);
    assertThat(refreshed.getMasterUrl()).isEqualTo("https://127.0.0.1:6443/");
    assertThat(refreshed.getClientCertData()).isEqualTo("Y2VydA==");
    assertThat(refreshed.getClientKeyData()).isEqualTo("a2V5");
    assertThat(refreshed.getCaCertData()).isEqualTo("Y2E=");
    assertThat(refreshed.getNamespace()).isEqualTo("tenant");
  }

  @Test
  void aTokenConfigurationKeepsPickingUpARotatedToken() throws IOException {
    Path kubeconfig = write(kubeconfig("https://127.0.0.1:6443", "token: first"));
    Config loaded =
        ApiServerConfig.withoutPointlessRefresh(Config.fromKubeconfig(kubeconfig.toFile()));
    write(kubeconfig("https://127.0.0.1:6443", "token: rotated"));

    assertThat(loaded.refresh().getAutoOAuthToken()).isEqualTo("rotated");
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("kubeconfig"), yaml);
  }

  private static String kubeconfig(String server, String credential) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "%s", certificate-authority-data: Y2E=}
        users:
        - name: u
          user:
            %s
            client-key-data: a2V5
        contexts:
        - name: x
          context: {cluster: c, user: u, namespace: tenant}
        current-context: x
        """
        .formatted(server, credential);
  }
}
