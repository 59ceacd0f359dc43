package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.actions.ActionProcessor;
import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.dispatch.DispatchReport.MailboxInfo;
import com.emailgistics.webhooks.kube.References;

/**
 * A Mailbox as every message to it reads it: its names for the report, its {@code namespace/name}
 * key for the Webhooks' permission checks, and its action processor. The names are copies made
 * together with the rest, so that a message reads them side by side instead of scattered over the
 * informer's objects (with thousands of mailboxes, every message is for a different one).
 */
record PreparedMailbox(Mailbox source, MailboxInfo info, String key, ActionProcessor actions) {

  static PreparedMailbox of(Mailbox mailbox) {
    String namespace = copy(mailbox.getMetadata().getNamespace());
    String name = copy(mailbox.getMetadata().getName());
    return new PreparedMailbox(
        mailbox,
        new MailboxInfo(namespace, name, copy(mailbox.getSpec().getAddress())),
        References.key(namespace, name),
        new ActionProcessor(mailbox.getSpec()));
  }

  String namespace() {
    return info.namespace();
  }

  String address() {
    return info.address();
  }

  private static String copy(String value) {
    return new String(value.toCharArray());
  }
}
