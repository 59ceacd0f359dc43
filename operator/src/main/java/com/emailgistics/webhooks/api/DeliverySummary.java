package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/**
 * Recent deliveries as seen by the reporting operator replica (written at most every few seconds).
 */
public class DeliverySummary {
  @JsonPropertyDescription("Deliveries that succeeded since the reporting replica started.")
  private long succeeded;

  @JsonPropertyDescription(
      "Deliveries that failed (endpoint errors, HTTP failures) since the reporting replica started.")
  private long failed;

  @JsonPropertyDescription("When the last delivery finished (RFC 3339).")
  @Size(max = 64)
  private String lastTime;

  @JsonPropertyDescription("Outcome of the last delivery: Succeeded, EndpointError or Failed.")
  @Size(max = 64)
  private String lastOutcome;

  @JsonPropertyDescription("The endpoint's message, or what went wrong, for the last delivery.")
  @Size(max = 2048)
  private String lastMessage;

  @JsonPropertyDescription("The operator replica (pod) that wrote this summary.")
  @Size(max = 253)
  private String reportedBy;

  public long getSucceeded() {
    return succeeded;
  }

  public void setSucceeded(long succeeded) {
    this.succeeded = succeeded;
  }

  public long getFailed() {
    return failed;
  }

  public void setFailed(long failed) {
    this.failed = failed;
  }

  public String getLastTime() {
    return lastTime;
  }

  public void setLastTime(String lastTime) {
    this.lastTime = lastTime;
  }

  public String getLastOutcome() {
    return lastOutcome;
  }

  public void setLastOutcome(String lastOutcome) {
    this.lastOutcome = lastOutcome;
  }

  public String getLastMessage() {
    return lastMessage;
  }

  public void setLastMessage(String lastMessage) {
    this.lastMessage = lastMessage;
  }

  public String getReportedBy() {
    return reportedBy;
  }

  public void setReportedBy(String reportedBy) {
    this.reportedBy = reportedBy;
  }
}
