package com.emailgistics.webhooks.dispatch;

import static com.emailgistics.webhooks.testing.DispatchClient.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.config.StartupException;
import com.emailgistics.webhooks.testing.LogCapture;
import com.emailgistics.webhooks.testing.MockApiServer;
import com.emailgistics.webhooks.testing.OperatorFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dispatch over HTTPS from PEM files (a mounted kubernetes.io/tls Secret): the API answers over TLS
 * only, a renewed certificate is served without a restart, and a broken renewal leaves the
 * certificate in use in place.
 */
@ExtendWith(MockApiServer.class)
class DispatchTlsTest {
  static KubernetesClient client;

  private static final HeldCertificate CA =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("Dispatch test CA").build();
  private static final SSLContext TRUSTING_THE_CA =
      new HandshakeCertificates.Builder()
          .addTrustedCertificate(CA.certificate())
          .build()
          .sslContext();

  @TempDir Path dir;

  @Test
  void dispatchServesHttpsAndSwitchesToARenewedCertificateWithoutARestart() throws Exception {
    Path certificate = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    issue("dispatch-first", certificate, key);

    try (OperatorFixture operator = new OperatorFixture(client, tlsConfig(certificate, key));
        LogCapture log = new LogCapture(DispatchCertificate.class)) {
      int port = URI.create(operator.dispatchUrl()).getPort();
      HttpResponse<String> answer =
          HttpClient.newBuilder()
              .sslContext(TRUSTING_THE_CA)
              .build()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "https://localhost:"
                                  + port
                                  + "/v1/mailboxes/nobody@x.example/messages"))
                      .header("Authorization", "Bearer " + OperatorFixture.DISPATCH_TOKEN)
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              message("tls-1", "over TLS", "a@customer.example")))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(404);
      assertThat(answer.body())
          .contains("No Mailbox with address nobody@x.example is known to the operator");
      assertThat(servedCommonName(port)).isEqualTo("dispatch-first");

      issue("dispatch-renewed", certificate, key);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> servedCommonName(port).equals("dispatch-renewed"));

      Files.writeString(certificate, "-----BEGIN CERTIFICATE-----\nbroken\n");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> log.messages().stream().anyMatch(m -> m.contains("cannot be used")));
      assertThat(servedCommonName(port)).isEqualTo("dispatch-renewed");

      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + port + "/openapi.yaml"))
                              .timeout(Duration.ofSeconds(5))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
          .as("plain HTTP on the HTTPS port")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aKeyThatIsNotAKeyFailsTheStartWithTheSettingsNamed() throws Exception {
    Path certificate = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    issue("dispatch", certificate, key);
    Files.writeString(key, "not a key");

    assertThatThrownBy(() -> new OperatorFixture(client, tlsConfig(certificate, key)).close())
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith(
            "cannot serve dispatch over HTTPS with EMAILGISTICS_DISPATCH_TLS_CERT_FILE="
                + certificate
                + " and EMAILGISTICS_DISPATCH_TLS_KEY_FILE="
                + key
                + ": not a usable PEM certificate and private key");
  }

  @Test
  void aCertificateWithoutItsKeyIsRefusedAsASetting() {
    assertThatThrownBy(
            () ->
                OperatorConfig.fromEnvironment(
                    Map.of(OperatorConfig.DISPATCH_TLS_CERT_FILE, "/etc/tls/tls.crt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "EMAILGISTICS_DISPATCH_TLS_CERT_FILE and EMAILGISTICS_DISPATCH_TLS_KEY_FILE go"
                + " together: set both (HTTPS) or neither (plain HTTP)");
  }

  private static OperatorConfig tlsConfig(Path certificate, Path key) {
    return OperatorConfig.fromEnvironment(
        Map.of(
            OperatorConfig.DISPATCH_TLS_CERT_FILE, certificate.toString(),
            OperatorConfig.DISPATCH_TLS_KEY_FILE, key.toString()));
  }

  /** Writes a new server certificate for localhost, signed by the test CA, and its key. */
  private static void issue(String commonName, Path certificate, Path key) throws IOException {
    HeldCertificate issued =
        new HeldCertificate.Builder()
            .commonName(commonName)
            .addSubjectAlternativeName("localhost")
            .addSubjectAlternativeName("127.0.0.1")
            .signedBy(CA)
            .build();
    Files.writeString(key, issued.privateKeyPkcs8Pem());
    Files.writeString(certificate, issued.certificatePem());
  }

  /** The common name of the certificate a new TLS connection to the port is shown. */
  private static String servedCommonName(int port) throws IOException {
    try (SSLSocket socket =
        (SSLSocket) TRUSTING_THE_CA.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      return served.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
    }
  }
}
