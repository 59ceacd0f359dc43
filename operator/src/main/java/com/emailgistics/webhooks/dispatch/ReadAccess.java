package com.emailgistics.webhooks.dispatch;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether the holder of a bearer token may read a Webhook's delivery history: the read API
 * authorizes Kubernetes identities, as the API server would for `kubectl get webhook`.
 */
public interface ReadAccess {

  /** The decision for {@code token} on the Webhook {@code namespace/name}; never fails. */
  CompletionStage<Verdict> mayGetWebhook(String token, String namespace, String name);

  /** An answer, with the HTTP status and the text a caller is shown when it is not allowed. */
  record Verdict(boolean allowed, int status, String reason) {
    public static final Verdict ALLOWED = new Verdict(true, 200, "");

    public static Verdict unauthenticated() {
      return new Verdict(
          false,
          401,
          "the bearer token is not a valid Kubernetes token (use `kubectl create token` or your"
              + " own credentials)");
    }

    public static Verdict forbidden(String user, String namespace, String name) {
      return new Verdict(
          false,
          403,
          user
              + " may not get webhooks.webhooks.emailgistics.com \""
              + name
              + "\" in namespace \""
              + namespace
              + "\"");
    }

    public static Verdict unavailable(String why) {
      return new Verdict(false, 503, "the token could not be reviewed (" + why + "); retry");
    }
  }
}
