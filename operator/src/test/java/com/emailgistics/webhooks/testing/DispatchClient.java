package com.emailgistics.webhooks.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import mockwebserver3.RecordedRequest;

/**
 * A caller of the dispatch endpoint, as the mail platform calls it, plus reading its answers. Every
 * 200 answer to a message is checked against docs/schemas/dispatch-answer.schema.json.
 */
public final class DispatchClient {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String baseUrl;

  public DispatchClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A complete message of spec section 4 (plus an unknown field, which must be ignored). */
  public static String message(String id, String subject, String from) {
    return """
        {"id":"%s","internetMessageId":"<%s@mail>","received":"2026-11-26T10:00:00Z",
         "sender":{"emailAddress":{"name":"Pat","address":"%s"}},
         "from":{"emailAddress":{"name":"Pat","address":"%s"}},
         "to":[{"emailAddress":{"name":"Claims","address":"claims@insurer.example"}}],"cc":[],
         "subject":"%s","hasAttachments":false,"conversationId":"2L8WYB89Z",
         "bodyText":"Please update CLM-1","customFields":{"claimNumber":"CLM-1"},"futureField":1}"""
        .formatted(id, id, from, from, subject);
  }

  /** POSTs JSON with the dispatch token. */
  public HttpResponse<String> post(String path, String body) throws Exception {
    return send(path, "POST", body, "application/json", OperatorFixture.DISPATCH_TOKEN);
  }

  /** POSTs {@code body} as it is (which may not even be UTF-8) as JSON with the dispatch token. */
  public HttpResponse<String> post(String path, byte[] body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + OperatorFixture.DISPATCH_TOKEN)
            .build();
    return checked(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  public CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
    return HTTP.sendAsync(
            request(path, "POST", body, "application/json", OperatorFixture.DISPATCH_TOKEN).build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(DispatchClient::checked);
  }

  public HttpResponse<String> send(
      String path, String method, String body, String contentType, String token) throws Exception {
    return checked(
        HTTP.send(
            request(path, method, body, contentType, token).build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  private static HttpResponse<String> checked(HttpResponse<String> response) {
    if (response.statusCode() == 200 && response.uri().getPath().endsWith("/messages")) {
      assertThat(Schemas.DISPATCH_ANSWER.problems(response.body()))
          .as("the answer against " + Schemas.DISPATCH_ANSWER.file() + ": " + response.body())
          .isEmpty();
    }
    return response;
  }

  private HttpRequest.Builder request(
      String path, String method, String body, String contentType, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  /** Asserts the status and that the JSON error starts with {@code messageStart}. */
  public static void assertError(HttpResponse<String> response, int status, String messageStart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response).get("error").asText()).startsWith(messageStart);
  }

  /**
   * The one request {@code endpoint} received for message {@code id} (test deliveries may arrive
   * meanwhile).
   */
  public static RecordedRequest deliveryOf(HttpsEndpoint endpoint, String id) throws IOException {
    RecordedRequest found = null;
    for (RecordedRequest request : endpoint.requests()) {
      if (id.equals(JSON.readTree(request.getBody().utf8()).path("id").asText())) {
        assertThat(found).as("a second request for message " + id).isNull();
        found = request;
      }
    }
    assertThat(found).as("the request for message " + id).isNotNull();
    return found;
  }
}
