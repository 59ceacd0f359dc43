package com.emailgistics.webhooks.message;

import java.util.List;
import java.util.Map;

/**
 * The canned message sent by a test delivery (the product's "Test Webhook"). Its ids start with
 * "sample-" so that receivers can recognise it; it carries a body and a custom field value so that
 * both include options are visible in the test.
 */
public final class SampleMessage {
  public static final Message MESSAGE =
      new Message(
          "sample-message-0001",
          Message.RECEIVED,
          "<sample-message-0001@emailgistics.example>",
          "2025-01-01T09:00:00Z",
          "shared-mailbox@emailgistics.example",
          EmailAddress.of("Sample Sender", "sample.sender@customer.example"),
          EmailAddress.of("Sample Sender", "sample.sender@customer.example"),
          List.of(EmailAddress.of("Shared Mailbox", "shared-mailbox@emailgistics.example")),
          List.of(),
          "Emailgistics test webhook",
          false,
          "2025-01-01T09:00:01Z",
          "SAMPLE0001",
          "This is a sample message sent by Test Webhook.",
          Map.of("sampleField", "sample value"));

  private SampleMessage() {}
}
