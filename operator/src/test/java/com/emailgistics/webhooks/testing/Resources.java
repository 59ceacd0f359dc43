package com.emailgistics.webhooks.testing;

import com.emailgistics.webhooks.api.CustomFieldDefinition;
import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.MailboxRuleSpec;
import com.emailgistics.webhooks.api.MailboxSpec;
import com.emailgistics.webhooks.api.MailboxUser;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Builders for the objects tests create. */
public final class Resources {
  private Resources() {}

  /**
   * A Secret with base64 data (the mock server does not convert stringData), labelled for the
   * operator to read.
   */
  public static Secret secret(String namespace, String name, Map<String, String> values) {
    return new SecretBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withLabels(Map.of(Webhook.SECRET_LABEL, "true"))
                .build())
        .withData(
            values.entrySet().stream()
                .collect(
                    Collectors.toMap(
                        Map.Entry::getKey,
                        e ->
                            Base64.getEncoder()
                                .encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))))
        .build();
  }

  public static Webhook webhook(String namespace, String name, String url) {
    WebhookSpec spec = new WebhookSpec();
    spec.setDisplayName("Display " + name);
    spec.setUrl(url);
    Webhook webhook = new Webhook();
    webhook.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    webhook.setSpec(spec);
    return webhook;
  }

  public static Webhook webhook(
      String namespace,
      String name,
      String url,
      String secretName,
      NamespacedReference... mailboxes) {
    Webhook webhook = webhook(namespace, name, url);
    if (secretName != null) {
      webhook.getSpec().setSecretRef(new SecretKeyReference(secretName, "token"));
    }
    webhook.getSpec().setMailboxes(new java.util.ArrayList<>(List.of(mailboxes)));
    return webhook;
  }

  public static Mailbox mailbox(String namespace, String name) {
    MailboxSpec spec = new MailboxSpec();
    spec.setAddress(name + "@insurer.example");
    spec.setDisplayName("Mailbox " + name);
    spec.setTags(new java.util.ArrayList<>(List.of("VIP", "Europe")));
    spec.setCustomFields(
        new java.util.ArrayList<>(List.of(new CustomFieldDefinition("claimNumber", "CLM-\\d+"))));
    spec.setUsers(
        new java.util.ArrayList<>(List.of(new MailboxUser("Joe Cool", "joe@insurer.example"))));
    Mailbox mailbox = new Mailbox();
    mailbox.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    mailbox.setSpec(spec);
    return mailbox;
  }

  public static MailboxRule rule(
      String namespace, String name, String mailbox, RuleAction... actions) {
    MailboxRuleSpec spec = new MailboxRuleSpec();
    spec.setMailbox(mailbox);
    spec.setActions(new java.util.ArrayList<>(List.of(actions)));
    MailboxRule rule = new MailboxRule();
    rule.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    rule.setSpec(spec);
    return rule;
  }

  public static Optional<StatusCondition> condition(List<StatusCondition> conditions, String type) {
    return conditions.stream().filter(c -> c.getType().equals(type)).findFirst();
  }
}
