package com.emailgistics.webhooks.api;

/**
 * What a rule condition looks at. Text conditions hold when any listed value matches; address and
 * domain comparisons ignore case.
 */
public enum RuleConditionType {
  SubjectContains,
  SubjectMatches,
  BodyContains,
  BodyMatches,
  SenderAddressIs,
  SenderDomainIs,
  FromAddressIs,
  FromDomainIs,
  ToContains,
  CcContains,
  RecipientContains,
  HasAttachments
}
