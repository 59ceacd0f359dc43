package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

public class WebhookStatus extends ConditionedStatus {
  @Override
  @JsonPropertyDescription(
      "Ready: the webhook can be delivered to. SecretStrong: the bearer secret follows the recommendations. TestSucceeded: outcome of the last test delivery.")
  public List<StatusCondition> getConditions() {
    return super.getConditions();
  }

  @JsonPropertyDescription("The last test delivery.")
  private WebhookTestResult lastTest;

  @JsonPropertyDescription("Summary of recent real deliveries made through the dispatch endpoint.")
  private DeliverySummary deliveries;

  public WebhookTestResult getLastTest() {
    return lastTest;
  }

  public void setLastTest(WebhookTestResult lastTest) {
    this.lastTest = lastTest;
  }

  public DeliverySummary getDeliveries() {
    return deliveries;
  }

  public void setDeliveries(DeliverySummary deliveries) {
    this.deliveries = deliveries;
  }

  /** {@code deliveries} belongs to the dispatch side. */
  @Override
  public void clearDispatchFields() {
    deliveries = null;
  }

  @Override
  public void keepDispatchFields(ConditionedStatus stored) {
    if (stored instanceof WebhookStatus webhook) {
      deliveries = webhook.deliveries;
    }
  }
}
