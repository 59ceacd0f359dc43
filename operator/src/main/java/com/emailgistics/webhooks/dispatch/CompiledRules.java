package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.rules.CompiledRule;
import com.emailgistics.webhooks.rules.InvalidRuleException;
import com.emailgistics.webhooks.rules.RuleCompiler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles each MailboxRule once per resourceVersion, so that evaluating a message costs no
 * regular-expression compilation however many messages arrive.
 */
final class CompiledRules {
  /** A compiled rule, or the reason it cannot be compiled. */
  record Entry(String resourceVersion, CompiledRule rule, InvalidRuleException problem) {}

  private final Map<String, Entry> byUid = new ConcurrentHashMap<>();

  Entry get(MailboxRule rule) {
    String version = rule.getMetadata().getResourceVersion();
    Entry cached = byUid.get(rule.getMetadata().getUid());
    if (cached != null && cached.resourceVersion().equals(version)) {
      return cached;
    }
    Entry fresh;
    try {
      fresh = new Entry(version, RuleCompiler.compile(rule.getMetadata().getName(), rule.getSpec()), null);
    } catch (InvalidRuleException e) {
      fresh = new Entry(version, null, e);
    }
    byUid.put(rule.getMetadata().getUid(), fresh);
    return fresh;
  }
}
