package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.NamespacedReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the dispatch endpoint answers: rules evaluated, deliveries made, actions to apply. {@code
 * complete} is false when the message's deadline (or a shutdown) stopped deliveries; those that did
 * not run are listed with outcome NotAttempted and the reason. Written by {@link ReportWriter}.
 */
public record DispatchReport(
    String messageId,
    MailboxInfo mailbox,
    boolean webhooksEnabled,
    boolean complete,
    List<RuleReport> rules,
    List<DeliveryReport> deliveries,
    List<ActionReport> actions,
    List<DroppedActionReport> droppedActions) {

  public record MailboxInfo(String namespace, String name, String address) {}

  public record RuleReport(String name, int priority, boolean matched, String reason) {}

  public record DeliveryReport(
      String rule,
      NamespacedReference webhook,
      String outcome,
      String category,
      int attempts,
      Integer httpStatus,
      String message,
      long durationMillis) {}

  /** Where an action came from: the rule, and the webhook when a webhook returned it. */
  public record Source(String rule, NamespacedReference webhook) {}

  public record ActionReport(
      Source source, String type, String name, JsonNode value, List<String> notes) {}

  public record DroppedActionReport(
      Source source, int index, String type, String name, String reason) {}
}
