package com.emailgistics.webhooks.api;

/** A rule action. UseWebhook calls a Webhook; the others are the product's built-in actions. */
public enum RuleActionType {
  UseWebhook,
  Tag,
  Assign,
  Forward
}
