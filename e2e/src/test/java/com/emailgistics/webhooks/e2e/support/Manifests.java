package com.emailgistics.webhooks.e2e.support;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The objects the scenarios create, written the way users write them (stringData Secrets). */
public final class Manifests {
  public static final String TOKEN_KEY = "token";
  public static final String CA_KEY = "ca.crt";

  private Manifests() {}

  /** A Secret as a manifest gives it (stringData), labelled for the operator to read. */
  public static Secret stringSecret(String namespace, String name, Map<String, String> values) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToLabels(Webhook.SECRET_LABEL, "true")
        .endMetadata()
        .withType("Opaque")
        .withStringData(values)
        .build();
  }

  /**
   * A Webhook whose bearer token is in Secret {@code tokenSecret} (key "token"), trusting the CA in
   * Secret {@code caSecret} (key "ca.crt"), permitting {@code mailboxes}.
   */
  public static Webhook webhook(
      String namespace,
      String name,
      String url,
      String tokenSecret,
      String caSecret,
      NamespacedReference... mailboxes) {
    Webhook webhook = Resources.webhook(namespace, name, url, tokenSecret, mailboxes);
    webhook.getSpec().setCaBundleRef(new SecretKeyReference(caSecret, CA_KEY));
    webhook.getSpec().setTimeoutSeconds(20);
    return webhook;
  }

  /** A rule of {@code mailbox} sending claim messages to {@code webhook}. */
  public static MailboxRule useWebhookRule(
      String namespace, String name, String mailbox, NamespacedReference webhook) {
    MailboxRule rule =
        Resources.rule(
            namespace,
            name,
            mailbox,
            RuleAction.useWebhook(webhook.getNamespace(), webhook.getName()));
    rule.getSpec()
        .setConditions(
            new ArrayList<>(
                List.of(new RuleCondition(RuleConditionType.SubjectContains, "claim"))));
    return rule;
  }

  /**
   * A JSON merge patch without resourceVersion, as `kubectl patch --type merge` and `kubectl
   * annotate` send it: no conflict with the operator's concurrent status writes.
   */
  public static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T mergePatch(
      io.fabric8.kubernetes.client.KubernetesClient client,
      Class<T> kind,
      String namespace,
      String name,
      String json) {
    return client
        .resources(kind)
        .inNamespace(namespace)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            json);
  }

  public static NamespacedReference ref(String namespace, String name) {
    return new NamespacedReference(namespace, name);
  }
}
