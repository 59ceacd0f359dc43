package com.emailgistics.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxStatus;
import com.emailgistics.webhooks.testing.Resources;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/**
 * Which stored changes make dispatch derive a mailbox's rule set again: spec changes, not status
 * writes (a failing webhook has its rules' problems written every few seconds).
 */
class InformerClusterViewTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final String ADDRESS = "claims@insurer.example";

  /** The Mailbox path needs no cache lookups: the stored objects carry their addresses. */
  private final InformerClusterView view = new InformerClusterView(null, null, null);

  @Test
  void aStatusWriteLeavesTheAddressStampAloneAndASpecChangeMovesIt() {
    Mailbox stored = Resources.mailbox("team", "claims");
    stored.getMetadata().setUid("mailbox-uid");
    stored.getMetadata().setGeneration(1L);
    view.mailboxStored(null, stored);
    long created = view.changeStamp(ADDRESS).nanos();
    assertThat(created).isNotZero();

    Mailbox withStatus = JSON.clone(stored);
    withStatus.setStatus(new MailboxStatus());
    withStatus.getMetadata().setResourceVersion("2");
    view.mailboxStored(stored, withStatus);
    assertThat(view.changeStamp(ADDRESS).nanos()).isEqualTo(created);

    Mailbox renamed = JSON.clone(withStatus);
    renamed.getSpec().setDisplayName("Claims (renamed)");
    renamed.getMetadata().setGeneration(2L);
    view.mailboxStored(withStatus, renamed);
    assertThat(view.changeStamp(ADDRESS).nanos()).isGreaterThan(created);
  }
}
