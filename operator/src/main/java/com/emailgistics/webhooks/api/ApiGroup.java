package com.emailgistics.webhooks.api;

/** Coordinates shared by the three custom resources. */
public final class ApiGroup {
  public static final String GROUP = "webhooks.emailgistics.com";
  public static final String VERSION = "v1alpha1";

  /** `kubectl get emailgistics` lists Webhooks, Mailboxes and MailboxRules together. */
  public static final String CATEGORY = "emailgistics";

  private ApiGroup() {}
}
