package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.dispatch.DispatchReport.ActionReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.DeliveryReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.DroppedActionReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.RuleReport;
import com.emailgistics.webhooks.dispatch.DispatchReport.Source;
import com.emailgistics.webhooks.json.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Writes a {@link DispatchReport} straight into the answer's buffer, field by field in the order of
 * docs/dispatch-openapi.yaml; absent (null) fields, empty notes and empty values are left out.
 */
final class ReportWriter {
  private ReportWriter() {}

  static Buffer write(DispatchReport report) {
    int sizeHint =
        512 + 256 * (report.rules().size() + report.deliveries().size() + report.actions().size());
    return Json.write(sizeHint, json -> write(report, json));
  }

  private static void write(DispatchReport report, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("messageId", report.messageId());
    json.writeObjectFieldStart("mailbox");
    json.writeStringField("namespace", report.mailbox().namespace());
    json.writeStringField("name", report.mailbox().name());
    json.writeStringField("address", report.mailbox().address());
    json.writeEndObject();
    json.writeBooleanField("webhooksEnabled", report.webhooksEnabled());
    json.writeBooleanField("complete", report.complete());
    json.writeArrayFieldStart("rules");
    for (RuleReport rule : report.rules()) {
      json.writeStartObject();
      json.writeStringField("name", rule.name());
      json.writeNumberField("priority", rule.priority());
      json.writeBooleanField("matched", rule.matched());
      json.writeStringField("reason", rule.reason());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("deliveries");
    for (DeliveryReport delivery : report.deliveries()) {
      json.writeStartObject();
      json.writeStringField("rule", delivery.rule());
      reference(json, "webhook", delivery.webhook());
      json.writeStringField("outcome", delivery.outcome());
      optional(json, "category", delivery.category());
      json.writeNumberField("attempts", delivery.attempts());
      if (delivery.httpStatus() != null) {
        json.writeNumberField("httpStatus", delivery.httpStatus());
      }
      optional(json, "message", delivery.message());
      json.writeNumberField("durationMillis", delivery.durationMillis());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("actions");
    for (ActionReport action : report.actions()) {
      json.writeStartObject();
      source(json, action.source());
      json.writeStringField("type", action.type());
      optional(json, "name", action.name());
      if (action.value() != null && !action.value().isEmpty()) {
        json.writeFieldName("value");
        Json.WRITER.writeTree(json, action.value());
      }
      if (!action.notes().isEmpty()) {
        json.writeArrayFieldStart("notes");
        for (String note : action.notes()) {
          json.writeString(note);
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("droppedActions");
    for (DroppedActionReport dropped : report.droppedActions()) {
      json.writeStartObject();
      source(json, dropped.source());
      json.writeNumberField("index", dropped.index());
      optional(json, "type", dropped.type());
      optional(json, "name", dropped.name());
      json.writeStringField("reason", dropped.reason());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void source(JsonGenerator json, Source source) throws IOException {
    json.writeObjectFieldStart("source");
    json.writeStringField("rule", source.rule());
    reference(json, "webhook", source.webhook());
    json.writeEndObject();
  }

  private static void reference(JsonGenerator json, String field, NamespacedReference reference)
      throws IOException {
    if (reference != null) {
      json.writeObjectFieldStart(field);
      json.writeStringField("namespace", reference.getNamespace());
      json.writeStringField("name", reference.getName());
      json.writeEndObject();
    }
  }

  private static void optional(JsonGenerator json, String field, String value) throws IOException {
    if (value != null) {
      json.writeStringField(field, value);
    }
  }
}
