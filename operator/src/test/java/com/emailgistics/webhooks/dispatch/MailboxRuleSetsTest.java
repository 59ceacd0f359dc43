package com.emailgistics.webhooks.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.Webhook;
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
    }

    long stamp;
    int lookups;

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
    public long changeStamp(String addressKey) {
      return addressKey.equals(ADDRESS) ? stamp : ChangeStamps.UNKNOWN;
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
    cluster.stamp = secondsAgo(5);
    MailboxRuleSets sets = new MailboxRuleSets(cluster);

    MailboxRuleSets.Addressed first = sets.forAddress("Claims@Insurer.example");
    MailboxRuleSets.Addressed again = sets.forAddress(ADDRESS);
    assertThat(again).isSameAs(first);
    assertThat(first.prepared().byName()).containsOnlyKeys("tag");
    assertThat(cluster.lookups).isEqualTo(1);

    cluster.stamp = secondsAgo(2);
    assertThat(sets.forAddress(ADDRESS)).isNotSameAs(first);
    assertThat(cluster.lookups).isEqualTo(2);
  }

  @Test
  void aRecentlyChangedAddressIsLookedUpForEveryMessage() {
    OneMailbox cluster = new OneMailbox();
    cluster.stamp = System.nanoTime();
    MailboxRuleSets sets = new MailboxRuleSets(cluster);

    sets.forAddress(ADDRESS);
    sets.forAddress(ADDRESS);

    assertThat(cluster.lookups).isEqualTo(2);
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
