package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule's admin log (spec section 6): its runtime problems as one operator replica saw them,
 * written at most every few seconds.
 */
public class RuleProblems {
  public static final int MAX_RECENT = 10;

  @JsonPropertyDescription("Problems since the reporting replica started, all kinds together.")
  private long total;

  @JsonPropertyDescription("When the last problem happened (RFC 3339).")
  @Size(max = 64)
  private String lastTime;

  @JsonPropertyDescription(
      "The most recent kinds of problem (at most 10, newest first), each with its count and last"
          + " message.")
  @Size(max = MAX_RECENT)
  private List<RuleProblem> recent = new ArrayList<>();

  @JsonPropertyDescription("The operator replica (pod) that wrote this summary.")
  @Size(max = 253)
  private String reportedBy;

  public long getTotal() {
    return total;
  }

  public void setTotal(long total) {
    this.total = total;
  }

  public String getLastTime() {
    return lastTime;
  }

  public void setLastTime(String lastTime) {
    this.lastTime = lastTime;
  }

  public List<RuleProblem> getRecent() {
    return recent;
  }

  public void setRecent(List<RuleProblem> recent) {
    this.recent = recent == null ? new ArrayList<>() : recent;
  }

  public String getReportedBy() {
    return reportedBy;
  }

  public void setReportedBy(String reportedBy) {
    this.reportedBy = reportedBy;
  }
}
