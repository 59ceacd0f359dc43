package com.emailgistics.webhooks.delivery;

/**
 * How a delivery ended. The names are the condition reasons users see, one per failure category of
 * the product's Test Webhook.
 */
public enum Outcome {
  Succeeded,
  ConnectionError,
  HTTPStatus,
  MalformedJSON,
  MissingFields,
  EndpointError,
  InvalidStatus;

  public boolean succeeded() {
    return this == Succeeded;
  }
}
