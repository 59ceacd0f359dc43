package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.RuleAction;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What dispatch needs for a mailbox address, in the form it evaluates: the Mailboxes with the
 * address and, when there is exactly one, its rules compiled and sorted with the invalid ones set
 * aside. It is derived again only when the address's {@link ChangeStamps change stamp} moved (a
 * Mailbox with the address or one of its rules changed), so a message to a settled mailbox costs
 * one hash lookup (what was derived holds the stamp it was derived at) and no index lookup,
 * compilation or sorting; and a rule is compiled again only when its spec (generation) changed.
 */
final class MailboxRuleSets {
  /**
   * A mailbox and its rules, ready to evaluate; {@code actions} are the actions of each of {@code
   * rules.rules()}, by position.
   */
  record Prepared(
      PreparedMailbox mailbox,
      RuleSet rules,
      List<RuleReport> invalid,
      List<List<RuleAction>> actions) {}

  /**
   * The Mailboxes with an address (several are a conflict, none is unknown), and the prepared rules
   * of the only one.
   */
  record Addressed(List<Mailbox> mailboxes, Prepared prepared) {}

  /** What was derived for an address when its stamp read {@code derivedAt}. */
  private record AddressEntry(ChangeStamps.Stamp stamp, long derivedAt, Addressed addressed) {
    boolean current() {
      return stamp.nanos() == derivedAt;
    }
  }

  private record CompiledEntry(Long generation, CompiledRule rule, InvalidRuleException problem) {}

  private final ClusterView cluster;
  private final Map<String, AddressEntry> byAddress = new ConcurrentHashMap<>();
  private final Map<String, CompiledEntry> byRule = new ConcurrentHashMap<>();

  MailboxRuleSets(ClusterView cluster) {
    this.cluster = cluster;
  }

  /** The Mailboxes with {@code address} and, if there is one, its prepared rules. */
  Addressed forAddress(String address) {
    String key = EmailAddress.key(address);
    AddressEntry cached = byAddress.get(key);
    if (cached != null && cached.current()) {
      return cached.addressed();
    }
    ChangeStamps.Stamp stamp = cluster.changeStamp(key);
    long derivedAt = stamp.nanos();
    // Read after the stamp: a change stored since then moves the stamp again.
    List<Mailbox> mailboxes = cluster.mailboxesWithAddress(address);
    Addressed fresh =
        new Addressed(mailboxes, mailboxes.size() == 1 ? prepare(mailboxes.get(0)) : null);
    if (ChangeStamps.settled(derivedAt, System.nanoTime())) {
      byAddress.put(key, new AddressEntry(stamp, derivedAt, fresh));
    } else {
      byAddress.remove(key);
    }
    return fresh;
  }

  private Prepared prepare(Mailbox mailbox) {
    List<CompiledRule> valid = new ArrayList<>();
    List<RuleReport> invalid = new ArrayList<>();
    Map<String, MailboxRule> byName = new HashMap<>();
    for (MailboxRule rule : cluster.rulesOf(mailbox)) {
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
    RuleSet rules = new RuleSet(valid);
    List<List<RuleAction>> actions =
        rules.rules().stream()
            .map(compiled -> byName.get(compiled.name()).getSpec().getActions())
            .toList();
    return new Prepared(PreparedMailbox.of(mailbox), rules, List.copyOf(invalid), actions);
  }

  private CompiledEntry compiled(MailboxRule rule) {
    Long generation = rule.getMetadata().getGeneration();
    CompiledEntry cached = byRule.get(rule.getMetadata().getUid());
    if (cached != null && Objects.equals(cached.generation(), generation)) {
      return cached;
    }
    CompiledEntry fresh;
    try {
      fresh =
          new CompiledEntry(
              generation, RuleCompiler.compile(rule.getMetadata().getName(), rule.getSpec()), null);
    } catch (InvalidRuleException e) {
      fresh = new CompiledEntry(generation, null, e);
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
