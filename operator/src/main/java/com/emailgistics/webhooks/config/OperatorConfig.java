package com.emailgistics.webhooks.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Operator settings, read from environment variables (the Helm chart sets them).
 *
 * @param webhooksEnabled the product's feature switch; off by default, like the product
 * @param webhookNamespaces where Webhooks and their Secrets live; empty means all namespaces
 * @param mailboxNamespaces where Mailboxes and MailboxRules live; empty means all namespaces
 * @param secretLabelSelector optional label selector further restricting the Secret informer
 * @param healthPort port of /healthz, /readyz and /metrics
 * @param leaderElectionNamespace namespace of the leader-election Lease; empty disables election
 * @param dispatchPort port of the dispatch endpoint
 * @param dispatchTokenFile file holding the dispatch endpoint's bearer token (a mounted Secret)
 * @param dispatchReadTimeout how long a client may take to send a request
 * @param dispatchMaxBodyBytes largest accepted request body
 */
public record OperatorConfig(
    boolean webhooksEnabled,
    Set<String> webhookNamespaces,
    Set<String> mailboxNamespaces,
    Optional<String> secretLabelSelector,
    int healthPort,
    Optional<String> leaderElectionNamespace,
    int dispatchPort,
    Optional<Path> dispatchTokenFile,
    Duration dispatchReadTimeout,
    int dispatchMaxBodyBytes) {

  public static final String ENABLED = "EMAILGISTICS_WEBHOOKS_ENABLED";
  public static final String WEBHOOK_NAMESPACES = "EMAILGISTICS_WEBHOOK_NAMESPACES";
  public static final String MAILBOX_NAMESPACES = "EMAILGISTICS_MAILBOX_NAMESPACES";
  public static final String SECRET_LABEL_SELECTOR = "EMAILGISTICS_SECRET_LABEL_SELECTOR";
  public static final String HEALTH_PORT = "EMAILGISTICS_HEALTH_PORT";
  public static final String LEADER_ELECTION_NAMESPACE = "EMAILGISTICS_LEADER_ELECTION_NAMESPACE";
  public static final String DISPATCH_PORT = "EMAILGISTICS_DISPATCH_PORT";
  public static final String DISPATCH_TOKEN_FILE = "EMAILGISTICS_DISPATCH_TOKEN_FILE";
  public static final String DISPATCH_READ_TIMEOUT = "EMAILGISTICS_DISPATCH_READ_TIMEOUT_SECONDS";
  public static final String DISPATCH_MAX_BODY_BYTES = "EMAILGISTICS_DISPATCH_MAX_BODY_BYTES";

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
    return new OperatorConfig(
        parseBoolean(env, ENABLED),
        parseList(env.get(WEBHOOK_NAMESPACES)),
        parseList(env.get(MAILBOX_NAMESPACES)),
        nonBlank(env.get(SECRET_LABEL_SELECTOR)),
        parseInt(env, HEALTH_PORT, 8081, 0, 65535),
        nonBlank(env.get(LEADER_ELECTION_NAMESPACE)),
        parseInt(env, DISPATCH_PORT, 8080, 0, 65535),
        nonBlank(env.get(DISPATCH_TOKEN_FILE)).map(Path::of),
        Duration.ofSeconds(parseInt(env, DISPATCH_READ_TIMEOUT, 10, 1, 3600)),
        parseInt(env, DISPATCH_MAX_BODY_BYTES, 1 << 20, 1024, 64 << 20));
  }

  public OperatorConfig withWebhooksEnabled(boolean enabled) {
    return new OperatorConfig(enabled, webhookNamespaces, mailboxNamespaces, secretLabelSelector, healthPort,
        leaderElectionNamespace, dispatchPort, dispatchTokenFile, dispatchReadTimeout, dispatchMaxBodyBytes);
  }

  /** Ports 0 (any free port) for both servers, and the given token file; for tests and try-outs. */
  public OperatorConfig withEphemeralPorts(Path tokenFile) {
    return new OperatorConfig(webhooksEnabled, webhookNamespaces, mailboxNamespaces, secretLabelSelector, 0,
        leaderElectionNamespace, 0, Optional.of(tokenFile), dispatchReadTimeout, dispatchMaxBodyBytes);
  }

  public boolean watchesWebhookNamespace(String namespace) {
    return webhookNamespaces.isEmpty() || webhookNamespaces.contains(namespace);
  }

  private static boolean parseBoolean(Map<String, String> env, String name) {
    String value = env.getOrDefault(name, "false").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false", "" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    };
  }

  private static int parseInt(Map<String, String> env, String name, int fallback, int min, int max) {
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
