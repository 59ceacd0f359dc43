package com.emailgistics.webhooks.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.Webhook;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** What an informer's cache keeps of an object as the API server sends it. */
class LeanItemStoreTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** A rule as a real kube-apiserver returns it after kubectl apply and a status update. */
  private static final String APPLIED_RULE =
      """
      {"apiVersion":"webhooks.emailgistics.com/v1alpha1","kind":"MailboxRule",
       "metadata":{"name":"enrich-claims","namespace":"claims-team","uid":"0b6e-41","generation":2,
        "resourceVersion":"4711","creationTimestamp":"2026-12-01T10:00:00Z",
        "labels":{"team":"claims"},
        "annotations":{"note":"kept",
         "kubectl.kubernetes.io/last-applied-configuration":"{\\"apiVersion\\":\\"webhooks.emailgistics.com/v1alpha1\\"}"},
        "managedFields":[
         {"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"webhooks.emailgistics.com/v1alpha1",
          "time":"2026-12-01T10:00:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:note":{}}},
                      "f:spec":{".":{},"f:mailbox":{},"f:priority":{},"f:actions":{}}}},
         {"manager":"emailgistics-webhooks-operator","operation":"Apply","apiVersion":"webhooks.emailgistics.com/v1alpha1",
          "time":"2026-12-01T10:00:01Z","fieldsType":"FieldsV1","subresource":"status",
          "fieldsV1":{"f:status":{"f:conditions":{},"f:observedGeneration":{}}}}]},
       "spec":{"mailbox":"claims","priority":10,"match":"All",
        "conditions":[{"type":"SubjectContains","values":["claim"]}],
        "actions":[{"type":"UseWebhook","webhook":{"namespace":"platform","name":"crm"}}]},
       "status":{"observedGeneration":2,"conditions":[{"type":"Ready","status":"True",
        "reason":"Ready","message":"The rule is valid and its webhooks are available",
        "lastTransitionTime":"2026-12-01T10:00:01Z","observedGeneration":2}]}}
      """;

  @Test
  void dropsManagedFieldsAndTheLastAppliedCopyAndKeepsEverythingElse() {
    MailboxRule asSent = JSON.unmarshal(APPLIED_RULE, MailboxRule.class);
    LeanItemStore<MailboxRule> store = new LeanItemStore<>();

    store.put(store.getKey(asSent), JSON.unmarshal(APPLIED_RULE, MailboxRule.class));
    MailboxRule cached = store.get("claims-team/enrich-claims");

    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getAnnotations()).containsOnly(entry("note", "kept"));
    // Everything the operator reads is as sent.
    asSent.getMetadata().setManagedFields(null);
    asSent.getMetadata().getAnnotations().remove(LeanItemStore.LAST_APPLIED);
    assertThat(JSON.asJson(cached)).isEqualTo(JSON.asJson(asSent));
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("4711");
    assertThat(cached.getSpec().getConditions()).hasSize(1);
    assertThat(cached.getStatus().getConditions()).hasSize(1);
  }

  @Test
  void objectsShareEqualStringsInsteadOfEachHoldingItsOwnCopy() {
    LeanItemStore<MailboxRule> store = new LeanItemStore<>();
    MailboxRule first = JSON.unmarshal(APPLIED_RULE, MailboxRule.class);
    MailboxRule second =
        JSON.unmarshal(APPLIED_RULE.replace("enrich-claims", "tag-claims"), MailboxRule.class);
    assertThat(second.getSpec().getMailbox()).isNotSameAs(first.getSpec().getMailbox());

    store.put(store.getKey(first), first);
    store.put(store.getKey(second), second);

    MailboxRule a = store.get("claims-team/enrich-claims");
    MailboxRule b = store.get("claims-team/tag-claims");
    assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
    assertThat(b.getMetadata().getLabels().get("team"))
        .isSameAs(a.getMetadata().getLabels().get("team"));
    assertThat(b.getSpec().getMailbox()).isSameAs(a.getSpec().getMailbox());
    assertThat(b.getSpec().getActions().get(0).getWebhook().getName())
        .isSameAs(a.getSpec().getActions().get(0).getWebhook().getName());
    assertThat(b.getSpec().getConditions().get(0).getValues().get(0))
        .isSameAs(a.getSpec().getConditions().get(0).getValues().get(0));
    assertThat(b.getStatus().getConditions().get(0).getMessage())
        .isSameAs(a.getStatus().getConditions().get(0).getMessage());
    assertThat(b.getMetadata().getName()).isEqualTo("tag-claims");
  }

  @Test
  void keepsTheTestRequestAnnotationOfAWebhook() {
    Webhook webhook =
        JSON.unmarshal(
            """
            {"apiVersion":"webhooks.emailgistics.com/v1alpha1","kind":"Webhook",
             "metadata":{"name":"crm","namespace":"platform","annotations":{
              "%s":"2026-12-03T05:00:00Z",
              "kubectl.kubernetes.io/last-applied-configuration":"{}"},
              "managedFields":[{"manager":"kubectl","operation":"Update"}]},
             "spec":{"url":"https://crm.example/hook"}}
            """
                .formatted(Webhook.TEST_REQUEST_ANNOTATION),
            Webhook.class);
    LeanItemStore<Webhook> store = new LeanItemStore<>();

    store.put(store.getKey(webhook), webhook);

    assertThat(store.get("platform/crm").getMetadata().getAnnotations())
        .containsOnly(entry(Webhook.TEST_REQUEST_ANNOTATION, "2026-12-03T05:00:00Z"));
  }

  @Test
  void anObjectWhoseOnlyAnnotationWasTheLastAppliedCopyHasNone() {
    MailboxRule rule = JSON.unmarshal(APPLIED_RULE, MailboxRule.class);
    rule.getMetadata().getAnnotations().remove("note");
    LeanItemStore<MailboxRule> store = new LeanItemStore<>();

    store.put(store.getKey(rule), rule);

    assertThat(store.get("claims-team/enrich-claims").getMetadata().getAnnotations()).isNull();
  }
}
