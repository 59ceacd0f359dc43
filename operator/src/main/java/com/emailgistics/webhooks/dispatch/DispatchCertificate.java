package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.config.StartupException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatch endpoint's certificate and key, read from their PEM files and read again when the
 * files change: a kubernetes.io/tls Secret renewed by cert-manager reaches the mounted files within
 * a minute, and the servers switch to it without a restart.
 */
final class DispatchCertificate {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchCertificate.class);

  private final OperatorConfig.TlsFiles files;
  private final Vertx vertx;
  private byte[] certificateSeen;
  private byte[] keySeen;
  private volatile PemKeyCertOptions current;
  private volatile Instant notAfter;

  private DispatchCertificate(OperatorConfig.TlsFiles files, Vertx vertx) {
    this.files = files;
    this.vertx = vertx;
  }

  /** Reads and checks the files; a start-up failure names the settings and the cause. */
  static DispatchCertificate load(OperatorConfig.TlsFiles files, Vertx vertx) {
    DispatchCertificate certificate = new DispatchCertificate(files, vertx);
    try {
      certificate.reload();
    } catch (IOException | RuntimeException e) {
      throw new StartupException(
          "cannot serve dispatch over HTTPS with "
              + OperatorConfig.DISPATCH_TLS_CERT_FILE
              + "="
              + files.certificate()
              + " and "
              + OperatorConfig.DISPATCH_TLS_KEY_FILE
              + "="
              + files.privateKey()
              + ": "
              + e.getMessage(),
          e);
    }
    return certificate;
  }

  PemKeyCertOptions options() {
    return current;
  }

  /** When the certificate in use expires. */
  Instant notAfter() {
    return notAfter;
  }

  /**
   * The new options when the files changed since they were last read; empty when they did not, or
   * when the new files cannot be used (then the certificate in use stays, and the log says why,
   * once per change).
   */
  Optional<PemKeyCertOptions> changed() {
    try {
      return reload() ? Optional.of(current) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "The dispatch certificate files changed but cannot be used ({}); still serving the one"
              + " valid until {}",
          e.getMessage(),
          notAfter);
      return Optional.empty();
    }
  }

  /** Reads the files; true when they changed and are usable, false when unchanged. */
  private synchronized boolean reload() throws IOException {
    byte[] certificate = Files.readAllBytes(files.certificate());
    byte[] key = Files.readAllBytes(files.privateKey());
    if (!Arrays.equals(certificate, Files.readAllBytes(files.certificate()))) {
      // The Secret volume swapped its files between the two reads: try again next time rather
      // than pair a key with the certificate of another version.
      return false;
    }
    if (Arrays.equals(certificate, certificateSeen) && Arrays.equals(key, keySeen)) {
      return false;
    }
    certificateSeen = certificate;
    keySeen = key;
    PemKeyCertOptions options =
        new PemKeyCertOptions()
            .setCertValue(Buffer.buffer(certificate))
            .setKeyValue(Buffer.buffer(key));
    try {
      // Builds what the servers will use, so that a bad pair fails here rather than in them.
      options.getKeyManagerFactory(vertx);
    } catch (Exception e) {
      throw new IllegalArgumentException("not a usable PEM certificate and private key: " + e, e);
    }
    X509Certificate leaf = leaf(certificate);
    current = options;
    notAfter = leaf.getNotAfter().toInstant();
    LOG.info(
        "Dispatch serves HTTPS with the certificate of {}, valid until {}",
        leaf.getSubjectX500Principal().getName(),
        notAfter);
    return true;
  }

  private static X509Certificate leaf(byte[] pem) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the certificate file holds no X.509 certificate", e);
    }
  }
}
