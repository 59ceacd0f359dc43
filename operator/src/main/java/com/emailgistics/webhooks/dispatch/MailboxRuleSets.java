package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.dispatch.DispatchReport.RuleReport;
import com.emailgistics.webhooks.message.EmailAddress;
import com.emailgistics.webhooks.rules.CompiledRule;
import com.emailgistics.webhooks.rules.InvalidRuleException;
import com.emailgistics.webhooks.rules.RuleCompiler;
import com.emailgistics.webhooks.rules.RuleSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What dispatch needs for a mailbox address, in the form it evaluates: the Mailboxes with the
 * address and, when there is exactly one, its rules compiled and sorted with the invalid ones set
 * aside. It is derived again only when the address's {@link ChangeStamps change stamp} moved (a
 * Mailbox with the address or one of its rules changed), so a message to a settled mailbox costs no
 * index lookup, compilation or sorting; and a rule is compiled again only when its resourceVersion
 * changed.
 */
final class MailboxRuleSets {
  /** A mailbox's rules, ready to evaluate. */
  record Prepared(RuleSet rules, List<RuleReport> invalid, Map<String, MailboxRule> byName) {}

  /**
   * The Mailboxes with an address (several are a conflict, none is unknown), and the prepared rules
   * of the only one.
   */
  record Addressed(List<Mailbox> mailboxes, Prepared prepared) {}

  private record AddressEntry(long stamp, Addressed addressed) {}

  private record CompiledEntry(
      String resourceVersion, CompiledRule rule, InvalidRuleException problem) {}

  private final ClusterView cluster;
  private final Map<String, AddressEntry> byAddress = new ConcurrentHashMap<>();
  private final Map<String, CompiledEntry> byRule = new ConcurrentHashMap<>();

  MailboxRuleSets(ClusterView cluster) {
    this.cluster = cluster;
  }

  /** The Mailboxes with {@code address} and, if there is one, its prepared rules. */
  Addressed forAddress(String address) {
    String key = EmailAddress.key(address);
    long stamp = cluster.changeStamp(key);
    AddressEntry cached = byAddress.get(key);
    if (cached != null && cached.stamp() == stamp) {
      return cached.addressed();
    }
    // Read after the stamp: a change stored since then moves the stamp again.
    List<Mailbox> mailboxes = cluster.mailboxesWithAddress(address);
    Addressed fresh =
        new Addressed(
            mailboxes, mailboxes.size() == 1 ? prepare(cluster.rulesOf(mailboxes.get(0))) : null);
    if (ChangeStamps.settled(stamp, System.nanoTime())) {
      byAddress.put(key, new AddressEntry(stamp, fresh));
    } else {
      byAddress.remove(key);
    }
    return fresh;
  }

  private Prepared prepare(List<MailboxRule> current) {
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
    return new Prepared(new RuleSet(valid), List.copyOf(invalid), Map.copyOf(byName));
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

  /** Forgets addresses without Mailboxes or with deleted ones, and rules that no longer exist. */
  void retainOnly(Set<String> mailboxUids, Set<String> ruleUids) {
    byAddress
        .values()
        .removeIf(
            entry ->
                entry.addressed().mailboxes().isEmpty()
                    || entry.addressed().mailboxes().stream()
                        .anyMatch(
                            mailbox -> !mailboxUids.contains(mailbox.getMetadata().getUid())));
    byRule.keySet().retainAll(ruleUids);
  }
}
