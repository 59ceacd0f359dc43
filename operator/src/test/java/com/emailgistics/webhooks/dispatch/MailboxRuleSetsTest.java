package com.emailgistics.webhooks.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.rules.CompiledRule;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MailboxRuleSetsTest {
  private static final String ADDRESS = "claims@insurer.example";

  /** One Mailbox with one rule, whose address was stamped {@code stamp}; counts index lookups. */
  private static final class OneMailbox implements ClusterView {
    final Mailbox mailbox = Resources.mailbox("team", "claims");
    final List<MailboxRule> rules = List.of(Resources.rule("team", "tag", "claims"));

    OneMailbox() {
      rules.get(0).getMetadata().setUid("rule-uid");
      rules.get(0).getMetadata().setResourceVersion("1");
      rules.get(0).getMetadata().setGeneration(1L);
    }

    /** When the next change happens, as System.nanoTime counts. */
    long clock = System.nanoTime();

    final ChangeStamps stamps = new ChangeStamps(() -> clock);
    int lookups;

    /** The Mailbox changes at {@code nanos}. */
    void changedAt(long nanos) {
      clock = nanos;
      stamps.changed(ADDRESS);
    }

    @Override
    public List<Mailbox> mailboxesWithAddress(String address) {
      lookups++;
      return address.equalsIgnoreCase(ADDRESS) ? List.of(mailbox) : List.of();
    }

    @Override
    public List<MailboxRule> rulesOf(Mailbox mailbox) {
      return rules;
    }

    @Override
    public ChangeStamps.Stamp changeStamp(String addressKey) {
      return stamps.stamp(addressKey);
    }

    @Override
    public Optional<MailboxRule> rule(String namespace, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Mailbox> mailbox(String namespace, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Webhook> webhook(NamespacedReference ref) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Webhook> webhooks() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Secret> secrets(Webhook webhook) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Set<String> mailboxUids() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Set<String> ruleUids() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Set<String> webhookUids() {
      throw new UnsupportedOperationException();
    }
  }

  private static long secondsAgo(long seconds) {
    return System.nanoTime() - TimeUnit.SECONDS.toNanos(seconds);
  }

  @Test
  void aSettledAddressIsServedWithoutLookupsUntilItsStampMoves() {
    OneMailbox cluster = new OneMailbox();
    cluster.changedAt(secondsAgo(5));
    MailboxRuleSets sets = new MailboxRuleSets(cluster);

    MailboxRuleSets.Addressed first = sets.forAddress("Claims@Insurer.example");
    MailboxRuleSets.Addressed again = sets.forAddress(ADDRESS);
    assertThat(again).isSameAs(first);
    assertThat(first.prepared().rules().rules())
        .extracting(CompiledRule::name)
        .containsExactly("tag");
    assertThat(first.prepared().actions())
        .containsExactly(cluster.rules.get(0).getSpec().getActions());
    assertThat(first.prepared().mailbox().key()).isEqualTo("team/claims");
    assertThat(cluster.lookups).isEqualTo(1);

    cluster.changedAt(secondsAgo(2));
    assertThat(sets.forAddress(ADDRESS)).isNotSameAs(first);
    assertThat(cluster.lookups).isEqualTo(2);
  }

  @Test
  void aRuleIsCompiledAgainOnlyWhenItsSpecChanged() {
    OneMailbox cluster = new OneMailbox();
    cluster.changedAt(secondsAgo(9));
    MailboxRuleSets sets = new MailboxRuleSets(cluster);
    CompiledRule first = sets.forAddress(ADDRESS).prepared().rules().rules().get(0);

    // A status write (the dispatch side's problems) gives the rule a new resourceVersion only.
    MailboxRule rule = cluster.rules.get(0);
    rule.getMetadata().setResourceVersion("2");
    cluster.changedAt(secondsAgo(6));
    assertThat(sets.forAddress(ADDRESS).prepared().rules().rules().get(0)).isSameAs(first);

    rule.getMetadata().setResourceVersion("3");
    rule.getMetadata().setGeneration(2L);
    rule.getSpec().setPriority(rule.getSpec().getPriority() + 1);
    cluster.changedAt(secondsAgo(3));
    CompiledRule changed = sets.forAddress(ADDRESS).prepared().rules().rules().get(0);
    assertThat(changed).isNotSameAs(first);
    assertThat(changed.priority()).isEqualTo(first.priority() + 1);
  }

  @Test
  void aRecentlyChangedAddressIsLookedUpForEveryMessage() {
    OneMailbox cluster = new OneMailbox();
    cluster.changedAt(System.nanoTime());
    MailboxRuleSets sets = new MailboxRuleSets(cluster);

    sets.forAddress(ADDRESS);
    sets.forAddress(ADDRESS);

    assertThat(cluster.lookups).isEqualTo(2);
  }

  @Test
  void anAddressWhoseStampWasForgottenIsDerivedAgain() {
    OneMailbox cluster = new OneMailbox();
    cluster.changedAt(secondsAgo(5));
    MailboxRuleSets sets = new MailboxRuleSets(cluster);
    MailboxRuleSets.Addressed first = sets.forAddress(ADDRESS);

    cluster.stamps.retainOnly(Set.of());
    assertThat(sets.forAddress(ADDRESS)).isNotSameAs(first);
    sets.forAddress(ADDRESS);
    assertThat(cluster.lookups).isEqualTo(3);

    cluster.changedAt(secondsAgo(3));
    MailboxRuleSets.Addressed settled = sets.forAddress(ADDRESS);
    assertThat(sets.forAddress(ADDRESS)).isSameAs(settled);
    assertThat(cluster.lookups).isEqualTo(4);
  }

  @Test
  void unknownAddressesAreNeverKept() {
    OneMailbox cluster = new OneMailbox();
    MailboxRuleSets sets = new MailboxRuleSets(cluster);

    assertThat(sets.forAddress("nobody@insurer.example").mailboxes()).isEmpty();
    assertThat(sets.forAddress("nobody@insurer.example").mailboxes()).isEmpty();

    assertThat(cluster.lookups).isEqualTo(2);
  }
}
