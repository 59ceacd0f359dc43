package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/** What the last test delivery sent, received and concluded. */
public class WebhookTestResult {
  @JsonPropertyDescription("When the test delivery started (RFC 3339).")
  @Size(max = 64)
  private String time;

  @JsonPropertyDescription(
      "What caused the test: Initial (the first test), SpecChanged, SecretChanged or Requested.")
  @Size(max = 64)
  private String trigger;

  @JsonPropertyDescription(
      "Identifies the inputs the test ran with (generation, request annotation, Secret versions);"
          + " a test runs once per distinct value.")
  @Size(max = 1024)
  private String fingerprint;

  @JsonPropertyDescription(
      "Succeeded, ConnectionError, HTTPStatus, MalformedJSON, MissingFields, EndpointError or"
          + " InvalidStatus.")
  @Size(max = 64)
  private String outcome;

  @JsonPropertyDescription(
      "The result text; for EndpointError the endpoint's message, secrets redacted, cut to 1,024 characters.")
  @Size(max = 2048)
  private String message;

  @JsonPropertyDescription("Summary of the actions the endpoint returned (count, types, names).")
  @Size(max = 2048)
  private String actions;

  @JsonPropertyDescription("HTTP status the endpoint answered with; absent on connection errors.")
  private Integer httpStatus;

  @JsonPropertyDescription("Duration of the request in milliseconds.")
  private Long durationMillis;

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getTrigger() {
    return trigger;
  }

  public void setTrigger(String trigger) {
    this.trigger = trigger;
  }

  public String getFingerprint() {
    return fingerprint;
  }

  public void setFingerprint(String fingerprint) {
    this.fingerprint = fingerprint;
  }

  public String getOutcome() {
    return outcome;
  }

  public void setOutcome(String outcome) {
    this.outcome = outcome;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getActions() {
    return actions;
  }

  public void setActions(String actions) {
    this.actions = actions;
  }

  public Integer getHttpStatus() {
    return httpStatus;
  }

  public void setHttpStatus(Integer httpStatus) {
    this.httpStatus = httpStatus;
  }

  public Long getDurationMillis() {
    return durationMillis;
  }

  public void setDurationMillis(Long durationMillis) {
    this.durationMillis = durationMillis;
  }
}
