package com.emailgistics.webhooks.config;

import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.delivery.AddressRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Operator settings, read from environment variables (the Helm chart sets them). Each setting is
 * described once, in the README's configuration table; the names are the constants below.
 *
 * @param webhooksEnabled the product's feature switch; off by default, like the product
 * @param webhookNamespaces where Webhooks and their Secrets live; empty means all namespaces
 * @param mailboxNamespaces where Mailboxes and MailboxRules live; empty means all namespaces
 * @param secretLabelSelector label selector of the Secrets the operator reads; by default {@link
 *     Webhook#SECRET_LABEL}=true
 * @param healthPort port of /healthz, /readyz and /metrics
 * @param leaderElectionNamespace namespace of the leader-election Lease; empty disables election
 * @param dispatch the dispatch endpoint
 * @param delivery the delivery client
 */
public record OperatorConfig(
    boolean webhooksEnabled,
    Set<String> webhookNamespaces,
    Set<String> mailboxNamespaces,
    String secretLabelSelector,
    int healthPort,
    Optional<String> leaderElectionNamespace,
    Dispatch dispatch,
    Delivery delivery) {

  public static final String ENABLED = "EMAILGISTICS_WEBHOOKS_ENABLED";
  public static final String WEBHOOK_NAMESPACES = "EMAILGISTICS_WEBHOOK_NAMESPACES";
  public static final String MAILBOX_NAMESPACES = "EMAILGISTICS_MAILBOX_NAMESPACES";
  public static final String SECRET_LABEL_SELECTOR = "EMAILGISTICS_SECRET_LABEL_SELECTOR";
  public static final String DEFAULT_SECRET_LABEL_SELECTOR = Webhook.SECRET_LABEL + "=true";
  public static final String HEALTH_PORT = "EMAILGISTICS_HEALTH_PORT";
  public static final String LEADER_ELECTION_NAMESPACE = "EMAILGISTICS_LEADER_ELECTION_NAMESPACE";
  public static final String EVENT_LOOPS = "EMAILGISTICS_EVENT_LOOPS";
  public static final String DISPATCH_PORT = "EMAILGISTICS_DISPATCH_PORT";
  public static final String DISPATCH_TOKEN_FILE = "EMAILGISTICS_DISPATCH_TOKEN_FILE";
  public static final String DISPATCH_TLS_CERT_FILE = "EMAILGISTICS_DISPATCH_TLS_CERT_FILE";
  public static final String DISPATCH_TLS_KEY_FILE = "EMAILGISTICS_DISPATCH_TLS_KEY_FILE";
  public static final String DISPATCH_READ_TIMEOUT = "EMAILGISTICS_DISPATCH_READ_TIMEOUT_SECONDS";
  public static final String DISPATCH_MAX_BODY_BYTES = "EMAILGISTICS_DISPATCH_MAX_BODY_BYTES";
  public static final String DISPATCH_MAX_CONNECTIONS = "EMAILGISTICS_DISPATCH_MAX_CONNECTIONS";
  public static final String DISPATCH_MAX_MESSAGES = "EMAILGISTICS_DISPATCH_MAX_MESSAGES_IN_FLIGHT";
  public static final String DISPATCH_MAX_BYTES = "EMAILGISTICS_DISPATCH_MAX_BYTES_IN_FLIGHT";
  public static final String DISPATCH_DEADLINE = "EMAILGISTICS_DISPATCH_MESSAGE_DEADLINE_SECONDS";
  public static final String DRAIN_SECONDS = "EMAILGISTICS_DRAIN_SECONDS";
  public static final String DELIVERY_MAX_IN_FLIGHT = "EMAILGISTICS_DELIVERY_MAX_IN_FLIGHT";
  public static final String DELIVERY_MAX_PER_WEBHOOK =
      "EMAILGISTICS_DELIVERY_MAX_IN_FLIGHT_PER_WEBHOOK";
  public static final String DELIVERY_MAX_CONNECTIONS =
      "EMAILGISTICS_DELIVERY_MAX_CONNECTIONS_PER_ENDPOINT";
  public static final String DELIVERY_HTTP2 = "EMAILGISTICS_DELIVERY_HTTP2";
  public static final String DELIVERY_DENIED_CIDRS = "EMAILGISTICS_DELIVERY_DENIED_CIDRS";
  public static final String DELIVERY_ALLOWED_CIDRS = "EMAILGISTICS_DELIVERY_ALLOWED_CIDRS";

  /**
   * The dispatch endpoint.
   *
   * @param port its port
   * @param tokenFile file holding the bearer token callers present (a mounted Secret)
   * @param tls serve dispatch over HTTPS with this certificate and key; empty: plain HTTP
   * @param readTimeout how long a request head may take from its first byte, and its body from the
   *     head
   * @param maxBodyBytes largest accepted message
   * @param maxConnections open connections beyond which a new one's first request is answered 503
   *     and the connection closed (beyond twice as many, closed at once)
   * @param maxMessagesInFlight messages dispatched at once; beyond, 503
   * @param maxBytesInFlight request bytes of the messages in flight; beyond, 503
   * @param messageDeadline time for all of a message's deliveries; what has not run by then is
   *     reported as not attempted
   * @param drainTimeout on SIGTERM, how long messages in flight may take to finish
   * @param eventLoops event loops of the data plane (dispatch and deliveries)
   */
  public record Dispatch(
      int port,
      Optional<Path> tokenFile,
      Optional<TlsFiles> tls,
      Duration readTimeout,
      int maxBodyBytes,
      int maxConnections,
      int maxMessagesInFlight,
      long maxBytesInFlight,
      Duration messageDeadline,
      Duration drainTimeout,
      int eventLoops) {
    public Dispatch {
      if (maxBytesInFlight < maxBodyBytes) {
        // Otherwise a message of the largest accepted size could never be admitted.
        throw new IllegalArgumentException(
            DISPATCH_MAX_BYTES
                + " ("
                + maxBytesInFlight
                + ") must be at least "
                + DISPATCH_MAX_BODY_BYTES
                + " ("
                + maxBodyBytes
                + ")");
      }
    }
  }

  /**
   * PEM files of the dispatch endpoint's certificate (chain) and private key, as a
   * kubernetes.io/tls Secret mounts them (tls.crt, tls.key); re-read when they change.
   */
  public record TlsFiles(Path certificate, Path privateKey) {}

  /**
   * The delivery client.
   *
   * @param maxInFlight deliveries (test deliveries included) in flight at once
   * @param maxInFlightPerWebhook deliveries to one webhook in flight at once
   * @param maxConnectionsPerEndpoint connections this replica keeps to one endpoint
   * @param http2 offer HTTP/2 through ALPN
   * @param deniedRanges addresses deliveries may not connect to, beyond the built-in denials
   * @param allowedRanges addresses deliveries may connect to whatever else denies them
   */
  public record Delivery(
      int maxInFlight,
      int maxInFlightPerWebhook,
      int maxConnectionsPerEndpoint,
      boolean http2,
      List<AddressRange> deniedRanges,
      List<AddressRange> allowedRanges) {}

  public OperatorConfig {
    webhookNamespaces = Set.copyOf(webhookNamespaces);
    mailboxNamespaces = Set.copyOf(mailboxNamespaces);
  }

  /** Defaults: feature off, all namespaces, no leader election, dispatch without a token. */
  public static OperatorConfig defaults() {
    return fromEnvironment(Map.of());
  }

  /** Parses the environment; an unparsable value fails start-up with a message naming it. */
  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    int cpus = Runtime.getRuntime().availableProcessors();
    return new OperatorConfig(
        parseBoolean(env, ENABLED, false),
        parseList(env.get(WEBHOOK_NAMESPACES)),
        parseList(env.get(MAILBOX_NAMESPACES)),
        nonBlank(env.get(SECRET_LABEL_SELECTOR)).orElse(DEFAULT_SECRET_LABEL_SELECTOR),
        parseInt(env, HEALTH_PORT, 8081, 0, 65535),
        nonBlank(env.get(LEADER_ELECTION_NAMESPACE)),
        new Dispatch(
            parseInt(env, DISPATCH_PORT, 8080, 0, 65535),
            nonBlank(env.get(DISPATCH_TOKEN_FILE)).map(Path::of),
            parseTls(env),
            Duration.ofSeconds(parseInt(env, DISPATCH_READ_TIMEOUT, 10, 1, 3600)),
            parseInt(env, DISPATCH_MAX_BODY_BYTES, 1 << 20, 1024, 64 << 20),
            parseInt(env, DISPATCH_MAX_CONNECTIONS, 4096, 1, 1_000_000),
            parseInt(env, DISPATCH_MAX_MESSAGES, 4000, 1, 1_000_000),
            parseInt(env, DISPATCH_MAX_BYTES, 32 << 20, 1024, Integer.MAX_VALUE),
            Duration.ofSeconds(parseInt(env, DISPATCH_DEADLINE, 330, 1, 3600)),
            Duration.ofSeconds(parseInt(env, DRAIN_SECONDS, 60, 0, 3600)),
            parseInt(env, EVENT_LOOPS, cpus, 1, 256)),
        new Delivery(
            parseInt(env, DELIVERY_MAX_IN_FLIGHT, 4000, 1, 1_000_000),
            parseInt(env, DELIVERY_MAX_PER_WEBHOOK, 2000, 1, 1_000_000),
            parseInt(env, DELIVERY_MAX_CONNECTIONS, 1000, 1, 100_000),
            parseBoolean(env, DELIVERY_HTTP2, true),
            parseRanges(env, DELIVERY_DENIED_CIDRS),
            parseRanges(env, DELIVERY_ALLOWED_CIDRS)));
  }

  public OperatorConfig withWebhooksEnabled(boolean enabled) {
    return new OperatorConfig(
        enabled,
        webhookNamespaces,
        mailboxNamespaces,
        secretLabelSelector,
        healthPort,
        leaderElectionNamespace,
        dispatch,
        delivery);
  }

  /** Ports 0 (any free port) for both servers, and the given token file; for tests. */
  public OperatorConfig withEphemeralPorts(Path tokenFile) {
    Dispatch d = dispatch;
    return new OperatorConfig(
        webhooksEnabled,
        webhookNamespaces,
        mailboxNamespaces,
        secretLabelSelector,
        0,
        leaderElectionNamespace,
        new Dispatch(
            0,
            Optional.of(tokenFile),
            d.tls(),
            d.readTimeout(),
            d.maxBodyBytes(),
            d.maxConnections(),
            d.maxMessagesInFlight(),
            d.maxBytesInFlight(),
            d.messageDeadline(),
            d.drainTimeout(),
            d.eventLoops()),
        delivery);
  }

  public boolean watchesWebhookNamespace(String namespace) {
    return webhookNamespaces.isEmpty() || webhookNamespaces.contains(namespace);
  }

  private static boolean parseBoolean(Map<String, String> env, String name, boolean fallback) {
    String value =
        env.getOrDefault(name, Boolean.toString(fallback)).trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      case "" -> fallback;
      default ->
          throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    };
  }

  private static int parseInt(
      Map<String, String> env, String name, int fallback, int min, int max) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
    }
  }

  private static Optional<TlsFiles> parseTls(Map<String, String> env) {
    Optional<String> certificate = nonBlank(env.get(DISPATCH_TLS_CERT_FILE));
    Optional<String> privateKey = nonBlank(env.get(DISPATCH_TLS_KEY_FILE));
    if (certificate.isPresent() != privateKey.isPresent()) {
      throw new IllegalArgumentException(
          DISPATCH_TLS_CERT_FILE
              + " and "
              + DISPATCH_TLS_KEY_FILE
              + " go together: set both (HTTPS) or neither (plain HTTP)");
    }
    return certificate.map(cert -> new TlsFiles(Path.of(cert), Path.of(privateKey.orElseThrow())));
  }

  private static List<AddressRange> parseRanges(Map<String, String> env, String name) {
    try {
      return parseList(env.get(name)).stream().sorted().map(AddressRange::parse).toList();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  private static Set<String> parseList(String value) {
    if (value == null) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).map(String::trim).filter(s -> !s.isEmpty());
  }
}
