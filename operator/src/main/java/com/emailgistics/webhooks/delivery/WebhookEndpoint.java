package com.emailgistics.webhooks.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to deliver: the URL, the bearer secret (absent: no Authorization header), a PEM CA
 * bundle that replaces the platform's trust store when present, the per-attempt timeout and the
 * signer (absent: no signature headers). The URL is parsed once here, not for every delivery.
 */
public final class WebhookEndpoint {
  private final String url;
  private final Optional<String> bearerToken;
  private final Optional<String> caBundlePem;
  private final Duration timeout;
  private final Optional<DeliverySigner> signer;
  private final String host;
  private final int port;
  private final String requestUri;
  private final String authorization;
  private final Redactor redactor;

  public WebhookEndpoint(
      String url,
      Optional<String> bearerToken,
      Optional<String> caBundlePem,
      Duration timeout,
      Optional<DeliverySigner> signer) {
    this.url = Objects.requireNonNull(url);
    this.bearerToken = bearerToken;
    this.caBundlePem = caBundlePem;
    this.timeout = timeout;
    this.signer = signer;
    URI uri = parse(url);
    String rawHost = uri.getHost();
    this.host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
    this.port = uri.getPort() < 0 ? 443 : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    this.requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    this.authorization = bearerToken.map(token -> "Bearer " + token).orElse(null);
    this.redactor = new Redactor(bearerToken);
  }

  /**
   * The URL as a URI with a host. The CRD's pattern lets through what {@link URI} refuses (an
   * underscore in the host, a bad escape); those fail here with the reason.
   */
  private static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url is not a valid URI: " + e.getMessage());
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "url "
              + url
              + " has no valid host name (letters, digits, '-' and '.'"
              + " only, or an IP address)");
    }
    return uri;
  }

  public Optional<String> bearerToken() {
    return bearerToken;
  }

  /** Scrubs this endpoint's secret from any text meant for status, Events, logs or answers. */
  public Redactor redactor() {
    return redactor;
  }

  public Optional<String> caBundlePem() {
    return caBundlePem;
  }

  public Duration timeout() {
    return timeout;
  }

  public Optional<DeliverySigner> signer() {
    return signer;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  String requestUri() {
    return requestUri;
  }

  /** The Authorization header value, or null without a secret. */
  String authorization() {
    return authorization;
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "WebhookEndpoint["
        + url
        + ", bearer "
        + (bearerToken.isPresent() ? "set" : "none")
        + ", signing "
        + (signer.isPresent() ? "on" : "off")
        + "]";
  }
}
