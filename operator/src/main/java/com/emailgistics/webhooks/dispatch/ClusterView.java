package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.NamespacedReference;
import com.emailgistics.webhooks.api.Webhook;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What dispatch reads of the cluster, read-only and from memory (the operator implements it over
 * its informer caches): dispatch needs no controller and calls no API server.
 */
public interface ClusterView {
  /**
   * The Mailboxes whose address is {@code address}, case-insensitively (more than one is a
   * conflict).
   */
  List<Mailbox> mailboxesWithAddress(String address);

  List<MailboxRule> rulesOf(Mailbox mailbox);

  /**
   * When a Mailbox with the address (as {@link com.emailgistics.webhooks.message.EmailAddress#key})
   * or one of its rules last changed, as a {@link ChangeStamps} stamp.
   */
  ChangeStamps.Stamp changeStamp(String addressKey);

  Optional<MailboxRule> rule(String namespace, String name);

  Optional<Mailbox> mailbox(String namespace, String name);

  Optional<Webhook> webhook(NamespacedReference ref);

  /** Every Webhook the operator watches. */
  List<Webhook> webhooks();

  /**
   * The Secrets of {@link com.emailgistics.webhooks.api.WebhookSpec#secretReferences()} in the
   * Webhook's namespace, as they are now, in that order; null where one is missing.
   */
  List<Secret> secrets(Webhook webhook);

  /** The uids of everything dispatch may keep derived state for, to forget what was deleted. */
  Set<String> mailboxUids();

  Set<String> ruleUids();

  Set<String> webhookUids();
}
