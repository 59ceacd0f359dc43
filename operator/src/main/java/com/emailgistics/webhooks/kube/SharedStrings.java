package com.emailgistics.webhooks.kube;

import com.emailgistics.webhooks.api.ConditionedStatus;
import com.emailgistics.webhooks.api.MailboxRuleSpec;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.StatusCondition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the strings that many cached objects hold alike one shared instance: namespaces, kinds,
 * labels, the mailbox and webhook names of rules, condition types, reasons and messages. The JSON
 * parser gives every object its own copies, and strings are most of a cached rule's size: sharing
 * them takes a third off it. Equal strings are interchangeable, so nothing reading the objects can
 * tell. {@link String#intern} drops a string once no object holds it any more.
 */
final class SharedStrings {
  private SharedStrings() {}

  static void share(HasMetadata object) {
    object.setApiVersion(shared(object.getApiVersion()));
    ObjectMeta metadata = object.getMetadata();
    metadata.setNamespace(shared(metadata.getNamespace()));
    metadata.setLabels(shared(metadata.getLabels()));
    metadata.setAnnotations(shared(metadata.getAnnotations()));
    if (object instanceof CustomResource<?, ?> resource) {
      resource.setKind(shared(resource.getKind()));
      if (resource.getSpec() instanceof MailboxRuleSpec rule) {
        share(rule);
      }
      if (resource.getStatus() instanceof ConditionedStatus status) {
        status.getConditions().forEach(SharedStrings::share);
      }
    }
  }

  private static void share(MailboxRuleSpec rule) {
    rule.setMailbox(shared(rule.getMailbox()));
    for (List<RuleCondition> conditions : List.of(rule.getConditions(), rule.getExceptions())) {
      for (RuleCondition condition : conditions) {
        shareAll(condition.getValues());
      }
    }
    for (RuleAction action : rule.getActions()) {
      share(action.getWebhook());
      shareAll(action.getTags());
      shareAll(action.getUsers());
    }
  }

  private static void shareAll(List<String> values) {
    if (values != null) {
      values.replaceAll(SharedStrings::shared);
    }
  }

  private static void share(NamespacedReference reference) {
    if (reference != null) {
      reference.setNamespace(shared(reference.getNamespace()));
      reference.setName(shared(reference.getName()));
    }
  }

  private static void share(StatusCondition condition) {
    condition.setType(shared(condition.getType()));
    condition.setStatus(shared(condition.getStatus()));
    condition.setReason(shared(condition.getReason()));
    condition.setMessage(shared(condition.getMessage()));
    condition.setLastTransitionTime(shared(condition.getLastTransitionTime()));
  }

  private static Map<String, String> shared(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return map;
    }
    Map<String, String> shared = new LinkedHashMap<>(map.size() * 4 / 3 + 1);
    map.forEach((key, value) -> shared.put(shared(key), shared(value)));
    return shared;
  }

  private static String shared(String value) {
    return value == null ? null : value.intern();
  }
}
