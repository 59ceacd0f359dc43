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
@Plural("webhooks")
@ShortNames("ewh")
@Categories(ApiGroup.CATEGORY)
@JsonClassDescription(
    "A webhook definition: an HTTPS endpoint that mailbox rules may call when a message arrives."
        + " Created by system administrators next to the Secret holding its bearer token.")
@AdditionalPrinterColumn(
    name = "Display Name",
    jsonPath = ".spec.displayName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Last Test",
    jsonPath = ".status.lastTest.outcome",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Tested",
    jsonPath = ".status.lastTest.time",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "URL",
    jsonPath = ".spec.url",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Webhook extends CustomResource<WebhookSpec, WebhookStatus> implements Namespaced {
  /** Set (to any new value, e.g. a timestamp) to run the test delivery again. */
  public static final String TEST_REQUEST_ANNOTATION = ApiGroup.GROUP + "/test-requested-at";

  /**
   * The label (value "true") a Secret needs before the operator reads it: by default no other
   * Secret enters its memory, so naming a Secret in a Webhook cannot send an arbitrary one.
   */
  public static final String SECRET_LABEL = ApiGroup.GROUP + "/secret";

  @Override
  @JsonPropertyDescription(
      "What a system administrator defines: endpoint, secret, permitted mailboxes, payload options.")
  public WebhookSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "Readiness, secret quality and the last test delivery, written by the operator.")
  public WebhookStatus getStatus() {
    return super.getStatus();
  }
}
