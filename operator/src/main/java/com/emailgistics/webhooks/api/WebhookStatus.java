package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

public class WebhookStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Ready: the webhook can be delivered to. SecretStrong: the bearer secret follows the"
          + " recommendations. TestSucceeded: outcome of the last test delivery.")
  private List<StatusCondition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The last test delivery.")
  private WebhookTestResult lastTest;

  @JsonPropertyDescription("Summary of recent real deliveries made through the dispatch endpoint.")
  private DeliverySummary deliveries;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<StatusCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<StatusCondition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

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
}
