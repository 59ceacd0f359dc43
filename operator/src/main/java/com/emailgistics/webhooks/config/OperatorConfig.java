package com.emailgistics.webhooks.config;

import java.util.Arrays;
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
 * @param healthPort port of /healthz and /readyz
 * @param leaderElectionNamespace namespace of the leader-election Lease; empty disables election
 */
public record OperatorConfig(
    boolean webhooksEnabled,
    Set<String> webhookNamespaces,
    Set<String> mailboxNamespaces,
    Optional<String> secretLabelSelector,
    int healthPort,
    Optional<String> leaderElectionNamespace) {

  public static final String ENABLED = "EMAILGISTICS_WEBHOOKS_ENABLED";
  public static final String WEBHOOK_NAMESPACES = "EMAILGISTICS_WEBHOOK_NAMESPACES";
  public static final String MAILBOX_NAMESPACES = "EMAILGISTICS_MAILBOX_NAMESPACES";
  public static final String SECRET_LABEL_SELECTOR = "EMAILGISTICS_SECRET_LABEL_SELECTOR";
  public static final String HEALTH_PORT = "EMAILGISTICS_HEALTH_PORT";
  public static final String LEADER_ELECTION_NAMESPACE = "EMAILGISTICS_LEADER_ELECTION_NAMESPACE";

  public OperatorConfig {
    webhookNamespaces = Set.copyOf(webhookNamespaces);
    mailboxNamespaces = Set.copyOf(mailboxNamespaces);
  }

  /** Defaults: feature off, all namespaces, no leader election. */
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
        parsePort(env, HEALTH_PORT, 8081),
        nonBlank(env.get(LEADER_ELECTION_NAMESPACE)));
  }

  public OperatorConfig withWebhooksEnabled(boolean enabled) {
    return new OperatorConfig(
        enabled, webhookNamespaces, mailboxNamespaces, secretLabelSelector, healthPort, leaderElectionNamespace);
  }

  public boolean watchesWebhookNamespace(String namespace) {
    return webhookNamespaces.isEmpty() || webhookNamespaces.contains(namespace);
  }

  private static boolean parseBoolean(Map<String, String> env, String name) {
    String value = env.getOrDefault(name, "false").trim().toLowerCase(java.util.Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false", "" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    };
  }

  private static int parsePort(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number (0-65535), not '" + value + "'");
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
