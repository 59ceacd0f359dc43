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
@Plural("mailboxes")
@ShortNames("mbx")
@Categories(ApiGroup.CATEGORY)
@JsonClassDescription(
    "A shared mailbox and the configuration that webhook actions refer to: tags, custom fields"
        + " and users. Its status lists the webhooks its rules may use.")
@AdditionalPrinterColumn(
    name = "Address",
    jsonPath = ".spec.address",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Webhooks",
    jsonPath = ".status.availableWebhookCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Mailbox extends CustomResource<MailboxSpec, MailboxStatus> implements Namespaced {
  @Override
  @JsonPropertyDescription(
      "The mailbox address and the tags, custom fields and users that actions refer to.")
  public MailboxSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "Validity and the webhooks this mailbox may use, written by the operator.")
  public MailboxStatus getStatus() {
    return super.getStatus();
  }
}
