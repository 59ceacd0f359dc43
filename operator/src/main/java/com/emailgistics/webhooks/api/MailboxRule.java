package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
// Given, not derived: fabric8 derives a missing plural with regular expressions in every
// constructor call (each watch event, clone and API answer).
@Plural("mailboxrules")
@ShortNames("mbxrule")
@Categories(ApiGroup.CATEGORY)
@JsonClassDescription(
    "A mailbox rule: conditions and exceptions select incoming messages, actions (among them"
        + " UseWebhook) say what happens. Lives in its Mailbox's namespace.")
@AdditionalPrinterColumn(
    name = "Mailbox",
    jsonPath = ".spec.mailbox",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Priority",
    jsonPath = ".spec.priority",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Enabled",
    jsonPath = ".spec.enabled",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Last Problem",
    jsonPath = ".status.problems.lastTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class MailboxRule extends CustomResource<MailboxRuleSpec, MailboxRuleStatus>
    implements Namespaced {
  @Override
  @JsonPropertyDescription("Which messages the rule selects and what happens to them.")
  public MailboxRuleSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Whether the rule can run, written by the operator.")
  public MailboxRuleStatus getStatus() {
    return super.getStatus();
  }
}
