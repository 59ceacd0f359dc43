package com.emailgistics.webhooks.tryout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.tls.HeldCertificate;

/**
 * Runs examples/receiver/receiver.py on a free port with a throwaway CA and certificate for
 * 127.0.0.1, accepting the given bearer tokens.
 */
final class SampleReceiver implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (https://\\S+)");

  private final Process process;
  private final String url;
  private final String caPem;

  private SampleReceiver(Process process, String url, String caPem) {
    this.process = process;
    this.url = url;
    this.caPem = caPem;
  }

  static SampleReceiver start(Path projectRoot, Path stateDir, String... tokens)
      throws IOException {
    HeldCertificate ca =
        new HeldCertificate.Builder()
            .certificateAuthority(0)
            .commonName("Sample receiver CA")
            .build();
    HeldCertificate server =
        new HeldCertificate.Builder()
            .addSubjectAlternativeName("127.0.0.1")
            .addSubjectAlternativeName("localhost")
            .commonName("127.0.0.1")
            .signedBy(ca)
            .build();
    Path dir = Files.createDirectories(stateDir.resolve("receiver"));
    Path cert = Files.writeString(dir.resolve("server.crt"), server.certificatePem());
    Path key = Files.writeString(dir.resolve("server.key"), server.privateKeyPkcs8Pem());
    ProcessBuilder builder =
        new ProcessBuilder(
                "python3",
                projectRoot.resolve("examples/receiver/receiver.py").toString(),
                "--port",
                "0",
                "--cert",
                cert.toString(),
                "--key",
                key.toString())
            .redirectError(dir.resolve("receiver.log").toFile());
    builder.environment().put("RECEIVER_TOKENS", String.join(",", tokens));
    Process process = builder.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    try {
      line =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return out.readLine();
                    } catch (IOException e) {
                      return null;
                    }
                  })
              .get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IOException(
          "the sample receiver did not start; see " + dir.resolve("receiver.log"), e);
    }
    Matcher listening = line == null ? null : LISTENING.matcher(line);
    if (listening == null || !listening.find()) {
      process.destroyForcibly();
      throw new IOException(
          "the sample receiver did not start; see " + dir.resolve("receiver.log"));
    }
    return new SampleReceiver(process, listening.group(1), ca.certificatePem());
  }

  /** Base URL, e.g. https://127.0.0.1:40211. */
  String url() {
    return url;
  }

  /** The CA that signed the receiver's certificate, for the Webhook's caBundleRef. */
  String caPem() {
    return caPem;
  }

  @Override
  public void close() {
    process.destroy();
  }
}
