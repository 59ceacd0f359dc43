package com.emailgistics.webhooks.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.util.List;

/**
 * How the operator reaches the API server: the current kubeconfig context out of a cluster, the
 * pod's service account in one, as fabric8 finds them.
 *
 * <p>fabric8 refreshes a token-based configuration before a request once the last refresh is a
 * minute old, by reading the whole configuration again (kubeconfig YAML, environment, system
 * properties). It counts a refresh only when it found a token, so credentials without one (a client
 * certificate: kubeadm's, kind's and kube-api-test's kubeconfigs) are read again before every
 * request from the second minute on: 37% of the operator's CPU while it reconciled 20,000 new rules
 * (JFR profile). A certificate goes into the client's TLS context once, when the client is built,
 * so re-reading it changes nothing: such a configuration is frozen. One with a token source keeps
 * fabric8's refresh, which picks up a rotated service-account token or kubeconfig token.
 */
public final class ApiServerConfig {
  private ApiServerConfig() {}

  public static Config load() {
    return withoutPointlessRefresh(Config.autoConfigure(null));
  }

  static Config withoutPointlessRefresh(Config found) {
    if (hasTokenSource(found)) {
      return found;
    }
    // A copy that is neither auto-configured nor tied to a kubeconfig file (fabric8 finds the file
    // through the contexts): its refresh() returns itself.
    return new ConfigBuilder(found)
        .withAutoConfigure(false)
        .withContexts(List.of())
        .withCurrentContext(null)
        .build();
  }

  private static boolean hasTokenSource(Config config) {
    return notEmpty(config.getOauthToken())
        || notEmpty(config.getAutoOAuthToken())
        || config.getOauthTokenProvider() != null
        || config.getAuthProvider() != null;
  }

  private static boolean notEmpty(String value) {
    return value != null && !value.isEmpty();
  }
}
