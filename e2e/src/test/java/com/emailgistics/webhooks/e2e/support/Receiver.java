package com.emailgistics.webhooks.e2e.support;

import com.emailgistics.webhooks.testing.HttpsEndpoint;
import java.util.List;
import mockwebserver3.RecordedRequest;

/** Reading what an {@link HttpsEndpoint} received, per webhook path. */
public final class Receiver {
  private Receiver() {}

  public static List<RecordedRequest> requests(HttpsEndpoint endpoint, String path) {
    return endpoint.requests().stream().filter(r -> path.equals(r.getUrl().encodedPath())).toList();
  }

  public static int count(HttpsEndpoint endpoint, String path) {
    return requests(endpoint, path).size();
  }

  public static String bearer(RecordedRequest request) {
    String authorization = request.getHeaders().get("Authorization");
    return authorization == null ? null : authorization.replaceFirst("^Bearer ", "");
  }
}
