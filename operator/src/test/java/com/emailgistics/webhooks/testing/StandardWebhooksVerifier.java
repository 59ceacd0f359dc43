package com.emailgistics.webhooks.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;

/**
 * Verifies a received delivery with the Standard Webhooks reference library for Python (PyPI
 * standardwebhooks, not written by this project), installed by scripts/test.sh into the directory
 * named by the system property {@code standardwebhooks.path}.
 */
public final class StandardWebhooksVerifier {
  private static final String SCRIPT =
      """
      import json, sys
      from standardwebhooks.webhooks import Webhook
      request = json.load(sys.stdin)
      try:
          Webhook(request["secret"]).verify(request["body"], request["headers"], json_parse=False)
          print("verified")
      except Exception as e:
          print(type(e).__name__ + ": " + str(e))
      """;

  private StandardWebhooksVerifier() {}

  /**
   * "verified", or the library's complaint about {@code body} as signed in {@code request}'s
   * headers.
   */
  public static String verify(String secret, RecordedRequest request, String body)
      throws IOException, InterruptedException {
    String library = System.getProperty("standardwebhooks.path");
    if (library == null || !Files.isDirectory(Path.of(library, "standardwebhooks"))) {
      throw new IllegalStateException(
          "the standardwebhooks Python package is not installed: run the tests with"
              + " scripts/test.sh, which installs it and sets -Dstandardwebhooks.path");
    }
    ObjectNode input =
        DispatchClient.JSON.createObjectNode().put("secret", secret).put("body", body);
    ObjectNode headers = input.putObject("headers");
    for (String name : new String[] {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
      if (request.getHeaders().get(name) != null) {
        headers.put(name, request.getHeaders().get(name));
      }
    }
    ProcessBuilder python = new ProcessBuilder("python3", "-c", SCRIPT).redirectErrorStream(true);
    python.environment().put("PYTHONPATH", library);
    Process process = python.start();
    process.getOutputStream().write(input.toString().getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the verifier did not finish within 30 s");
    }
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  public static String verify(String secret, RecordedRequest request)
      throws IOException, InterruptedException {
    return verify(secret, request, request.getBody().utf8());
  }
}
