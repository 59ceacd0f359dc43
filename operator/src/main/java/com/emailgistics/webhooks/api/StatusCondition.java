package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * A standard Kubernetes status condition (the shape of metav1.Condition), declared here so that
 * every field is documented for `kubectl explain`.
 */
public class StatusCondition {
  @JsonPropertyDescription("Condition type, e.g. Ready.")
  @Size(max = 316)
  private String type;

  @JsonPropertyDescription("True, False or Unknown.")
  @Size(max = 16)
  private String status;

  @JsonPropertyDescription("CamelCase reason for the last transition or current state.")
  @Size(max = 1024)
  private String reason;

  @JsonPropertyDescription("Human-readable details.")
  @Size(max = 32768)
  private String message;

  @JsonPropertyDescription("The metadata.generation the condition was set for.")
  private Long observedGeneration;

  @JsonPropertyDescription("When the status last changed (RFC 3339).")
  @Size(max = 64)
  private String lastTransitionTime;

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getStatus() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getLastTransitionTime() {
    return lastTransitionTime;
  }

  public void setLastTransitionTime(String lastTransitionTime) {
    this.lastTransitionTime = lastTransitionTime;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StatusCondition other
        && Objects.equals(type, other.type)
        && Objects.equals(status, other.status)
        && Objects.equals(reason, other.reason)
        && Objects.equals(message, other.message)
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(lastTransitionTime, other.lastTransitionTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, status, reason, message, observedGeneration, lastTransitionTime);
  }

  @Override
  public String toString() {
    return type + "=" + status + " (" + reason + "): " + message;
  }
}
