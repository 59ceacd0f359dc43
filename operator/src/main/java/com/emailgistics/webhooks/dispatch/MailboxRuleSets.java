package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.dispatch.DispatchReport.RuleReport;
import com.emailgistics.webhooks.rules.CompiledRule;
import com.emailgistics.webhooks.rules.InvalidRuleException;
import com.emailgistics.webhooks.rules.RuleCompiler;
import com.emailgistics.webhooks.rules.RuleSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each mailbox's rules in the form dispatch evaluates: compiled, sorted, with the invalid ones set
 * aside. A set is rebuilt only when the informer holds other rule objects for the mailbox than it
 * was built from (the informer replaces an object when it changes), and a rule is compiled again
 * only when its resourceVersion changed, so a message costs no compilation and no sorting.
 */
final class MailboxRuleSets {
  /** A mailbox's rules, ready to evaluate. */
  record Prepared(
      Set<MailboxRule> sources,
      RuleSet rules,
      List<RuleReport> invalid,
      Map<String, MailboxRule> byName) {}

  private record CompiledEntry(
      String resourceVersion, CompiledRule rule, InvalidRuleException problem) {}

  private final Map<String, Prepared> byMailbox = new ConcurrentHashMap<>();
  private final Map<String, CompiledEntry> byRule = new ConcurrentHashMap<>();

  /**
   * The prepared rules of {@code mailbox}, whose rule objects in the informer are {@code current}.
   */
  Prepared get(Mailbox mailbox, List<MailboxRule> current) {
    String uid = mailbox.getMetadata().getUid();
    Prepared cached = byMailbox.get(uid);
    if (cached != null
        && cached.sources().size() == current.size()
        && cached.sources().containsAll(current)) {
      return cached;
    }
    Prepared fresh = prepare(current);
    byMailbox.put(uid, fresh);
    return fresh;
  }

  private Prepared prepare(List<MailboxRule> current) {
    Set<MailboxRule> sources = Collections.newSetFromMap(new IdentityHashMap<>());
    sources.addAll(current);
    List<CompiledRule> valid = new ArrayList<>();
    List<RuleReport> invalid = new ArrayList<>();
    Map<String, MailboxRule> byName = new HashMap<>();
    for (MailboxRule rule : current) {
      byName.put(rule.getMetadata().getName(), rule);
      CompiledEntry entry = compiled(rule);
      if (entry.rule() != null) {
        valid.add(entry.rule());
      } else {
        invalid.add(
            new RuleReport(
                rule.getMetadata().getName(),
                rule.getSpec().getPriority(),
                false,
                "rule is invalid: " + entry.problem().getMessage()));
      }
    }
    return new Prepared(sources, new RuleSet(valid), List.copyOf(invalid), Map.copyOf(byName));
  }

  private CompiledEntry compiled(MailboxRule rule) {
    String version = rule.getMetadata().getResourceVersion();
    CompiledEntry cached = byRule.get(rule.getMetadata().getUid());
    if (cached != null && cached.resourceVersion().equals(version)) {
      return cached;
    }
    CompiledEntry fresh;
    try {
      fresh =
          new CompiledEntry(
              version, RuleCompiler.compile(rule.getMetadata().getName(), rule.getSpec()), null);
    } catch (InvalidRuleException e) {
      fresh = new CompiledEntry(version, null, e);
    }
    byRule.put(rule.getMetadata().getUid(), fresh);
    return fresh;
  }

  /** Forgets mailboxes and rules that no longer exist. */
  void retainOnly(Set<String> mailboxUids, Set<String> ruleUids) {
    byMailbox.keySet().retainAll(mailboxUids);
    byRule.keySet().retainAll(ruleUids);
  }
}
