package com.emailgistics.webhooks.e2e.support;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP interceptor on a fabric8 client: counts the API calls it makes, keeps the failed ones
 * (status 400 and above) and the RBAC verbs it used ("list secrets", "patch webhooks/status"), so a
 * test can assert that an operator running under the chart's RBAC never received a 403, and show
 * which permissions it actually needs.
 */
public final class ApiCallRecorder implements Interceptor {
  public record Call(String method, String uri, int code) {
    @Override
    public String toString() {
      return code + " " + method + " " + uri;
    }
  }

  private final AtomicLong calls = new AtomicLong();
  private final List<Call> failures = new CopyOnWriteArrayList<>();
  private final Set<String> verbs = ConcurrentHashMap.newKeySet();

  @Override
  public void after(
      HttpRequest request,
      HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    calls.incrementAndGet();
    verbs.add(verb(request.method(), request.uri()));
    if (response.code() >= 400) {
      failures.add(new Call(request.method(), request.uri().toString(), response.code()));
    }
  }

  public long calls() {
    return calls.get();
  }

  public List<Call> failures() {
    return List.copyOf(failures);
  }

  public List<Call> withCode(int code) {
    return failures.stream().filter(call -> call.code() == code).toList();
  }

  /** The RBAC verbs and resources used, e.g. "watch secrets", "patch webhooks/status". */
  public Set<String> verbs() {
    return new TreeSet<>(verbs);
  }

  /** /api/v1/namespaces/ns/secrets/name, /apis/group/version/webhooks?watch=true, ... */
  static String verb(String method, URI uri) {
    String[] parts = uri.getPath().replaceFirst("^/", "").split("/");
    int i = parts[0].equals("api") ? 2 : 3; // skip api/v1 or apis/group/version
    if (i < parts.length && parts[i].equals("namespaces") && i + 2 < parts.length) {
      i += 2;
    }
    if (i >= parts.length) {
      return method + " " + uri.getPath();
    }
    String resource = parts[i];
    boolean named = i + 1 < parts.length;
    String subresource = i + 2 < parts.length ? "/" + parts[i + 2] : "";
    boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
    String verb =
        switch (method) {
          case "GET" -> watch ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> method;
        };
    return verb + " " + resource + subresource;
  }
}
