package com.emailgistics.webhooks.benchmark;

import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.MatchMode;
import com.emailgistics.webhooks.api.RuleAction;
import com.emailgistics.webhooks.api.RuleActionType;
import com.emailgistics.webhooks.api.RuleCondition;
import com.emailgistics.webhooks.api.RuleConditionType;
import java.util.ArrayList;
import java.util.List;

/**
 * What the benchmark sends and the rules it evaluates. The message is an ordinary invoice e-mail;
 * the 20-rule set is what a busy shared mailbox might hold: one rule matches the message (and
 * delivers to the webhook), 19 use every condition type and do not match it.
 */
final class Workload {
  static final String ADMIN_NAMESPACE = "bench-admin";
  static final String TEAM_NAMESPACE = "bench-team";
  static final String FAST_WEBHOOK = "bench-fast";
  static final String SLOW_WEBHOOK = "bench-slow";

  /**
   * Answers after {@link #PACED_DELAY_MILLIS}: with a per-webhook limit it sets a known capacity.
   */
  static final String PACED_WEBHOOK = "bench-paced";

  static final int PACED_DELAY_MILLIS = 100;

  /** One message, sent unchanged to every mailbox and through nginx (no "mailbox" field). */
  static final String MESSAGE =
      ("""
      {"id":"bench-msg-0001","event":"received","internetMessageId":"<bench-msg-0001@customer.example>",
      "received":"2026-11-26T10:00:00Z",
      "sender":{"emailAddress":{"name":"Pat Doe","address":"pat.doe@customer.example"}},
      "from":{"emailAddress":{"name":"Pat Doe","address":"pat.doe@customer.example"}},
      "to":[{"emailAddress":{"name":"Accounts","address":"accounts@insurer.example"}}],
      "cc":[{"emailAddress":{"name":"Sam Roe","address":"sam.roe@customer.example"}}],
      "subject":"Invoice 4711 for your order of 12 November","hasAttachments":false,
      "timestamp":"2026-11-26T10:00:01Z","conversationId":"AAQkAGI2TG93AAA=",
      "bodyText":"Dear accounts team,\\n\\nplease find below the details of invoice 4711 for the order you placed on 12 November. The amount of 1,250.00 EUR is due within 30 days of the invoice date. Our bank details are unchanged since the last statement.\\n\\nShould you have any question about this invoice, reply to this e-mail or call us on +49 30 1234567 between 9:00 and 17:00.\\n\\nKind regards,\\nPat Doe\\nAccounts receivable, Customer Example GmbH"}
      """)
          .replace("\n", "");

  private Workload() {}

  /**
   * The 20 rules of a "realistic" mailbox, delivering to {@code webhook}: rule 20 (priority 95)
   * matches MESSAGE, 19 do not.
   */
  static List<MailboxRule> twentyRules(String namespace, String mailbox, String webhook) {
    List<MailboxRule> rules = new ArrayList<>();
    rules.add(
        rule(
            namespace,
            mailbox,
            "vip-senders",
            10,
            MatchMode.All,
            tag("VIP"),
            c(
                RuleConditionType.SenderDomainIs,
                "bigclient.example",
                "partner.example",
                "board.example")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "claims",
            20,
            MatchMode.Any,
            to(webhook),
            c(RuleConditionType.SubjectContains, "claim", "policy", "damage"),
            c(RuleConditionType.BodyMatches, "CLM-\\d{6}")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "urgent",
            30,
            MatchMode.All,
            tag("VIP"),
            c(RuleConditionType.SubjectMatches, "^(URGENT|ASAP)\\b")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "newsletters",
            40,
            MatchMode.All,
            tag("Europe"),
            c(RuleConditionType.BodyContains, "unsubscribe", "newsletter", "view in browser")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "orders",
            50,
            MatchMode.All,
            to(webhook),
            c(RuleConditionType.SubjectMatches, "\\bORD-\\d{8}\\b")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "ceo",
            60,
            MatchMode.All,
            assign("joe@insurer.example"),
            c(RuleConditionType.FromAddressIs, "ceo@insurer.example", "chair@insurer.example")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "sales-in-cc",
            70,
            MatchMode.All,
            forward("sales@insurer.example"),
            c(RuleConditionType.CcContains, "sales@insurer.example", "Sales Team")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "legal",
            80,
            MatchMode.All,
            to(webhook),
            c(
                RuleConditionType.RecipientContains,
                "legal@insurer.example",
                "compliance@insurer.example")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "partner-attachments",
            90,
            MatchMode.All,
            to(webhook),
            c(RuleConditionType.HasAttachments),
            c(RuleConditionType.FromDomainIs, "partner.example")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "complaints",
            100,
            MatchMode.Any,
            to(webhook),
            c(RuleConditionType.SubjectContains, "complaint", "refund", "cancel"),
            c(RuleConditionType.BodyContains, "complaint", "not satisfied", "money back")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "internal",
            110,
            MatchMode.All,
            tag("Europe"),
            c(RuleConditionType.SenderDomainIs, "insurer.example")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "auto-replies",
            120,
            MatchMode.All,
            tag("Europe"),
            c(RuleConditionType.SubjectMatches, "(?i)^(auto(matic)? reply|out of office)")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "support",
            130,
            MatchMode.All,
            to(webhook),
            c(RuleConditionType.ToContains, "support@insurer.example", "helpdesk")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "account-security",
            140,
            MatchMode.Any,
            tag("VIP"),
            c(RuleConditionType.BodyMatches, "(?i)password\\s+reset", "(?i)verify your account")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "payment-fraud",
            150,
            MatchMode.All,
            to(webhook),
            c(RuleConditionType.SubjectContains, "payment"),
            c(RuleConditionType.BodyContains, "iban", "swift")));
    MailboxRule disabled =
        rule(namespace, mailbox, "retired-archive", 160, MatchMode.All, to(webhook));
    disabled.getSpec().setEnabled(false);
    rules.add(disabled);
    rules.add(
        rule(
            namespace,
            mailbox,
            "german",
            170,
            MatchMode.All,
            tag("Europe"),
            c(RuleConditionType.SubjectContains, "Rechnung", "Schaden", "Kündigung")));
    rules.add(
        rule(
            namespace,
            mailbox,
            "key-accounts",
            180,
            MatchMode.All,
            assign("joe@insurer.example"),
            c(RuleConditionType.FromDomainIs, "megacorp.example", "globex.example")));
    MailboxRule spam =
        rule(
            namespace,
            mailbox,
            "spam",
            190,
            MatchMode.Any,
            tag("Europe"),
            c(RuleConditionType.SenderDomainIs, "spam.example"),
            c(RuleConditionType.SubjectMatches, "(?i)\\b(viagra|lottery)\\b"));
    spam.getSpec().setStopProcessing(true);
    rules.add(spam);
    // The one that matches: invoices, unless they come from a blocked domain.
    MailboxRule invoices =
        rule(
            namespace,
            mailbox,
            "invoices",
            95,
            MatchMode.All,
            to(webhook),
            c(RuleConditionType.SubjectContains, "invoice", "Rechnung"));
    invoices
        .getSpec()
        .setExceptions(
            new ArrayList<>(List.of(c(RuleConditionType.SenderDomainIs, "spam.example"))));
    rules.add(invoices);
    return rules;
  }

  /** {@code count} rules that all match MESSAGE and deliver to the fast webhook. */
  static List<MailboxRule> matchingRules(String namespace, String mailbox, int count) {
    List<MailboxRule> rules = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      rules.add(
          rule(
              namespace,
              mailbox,
              String.format("invoices-%02d", i),
              10 * i,
              MatchMode.All,
              to(FAST_WEBHOOK),
              c(RuleConditionType.SubjectContains, "invoice")));
    }
    return rules;
  }

  /** One rule without conditions delivering to {@code webhook}. */
  static MailboxRule alwaysTo(String namespace, String mailbox, String webhook) {
    return rule(
        namespace,
        mailbox,
        "deliver",
        10,
        MatchMode.All,
        RuleAction.useWebhook(ADMIN_NAMESPACE, webhook));
  }

  private static MailboxRule rule(
      String namespace,
      String mailbox,
      String name,
      int priority,
      MatchMode match,
      RuleAction action,
      RuleCondition... conditions) {
    MailboxRule rule =
        com.emailgistics.webhooks.testing.Resources.rule(
            namespace, mailbox + "-" + name, mailbox, action);
    rule.getSpec().setPriority(priority);
    rule.getSpec().setMatch(match);
    rule.getSpec().setConditions(new ArrayList<>(List.of(conditions)));
    return rule;
  }

  private static RuleCondition c(RuleConditionType type, String... values) {
    return new RuleCondition(type, values);
  }

  private static RuleAction to(String webhook) {
    return RuleAction.useWebhook(ADMIN_NAMESPACE, webhook);
  }

  private static RuleAction tag(String tag) {
    RuleAction action = new RuleAction();
    action.setType(RuleActionType.Tag);
    action.setTags(new ArrayList<>(List.of(tag)));
    return action;
  }

  private static RuleAction assign(String user) {
    RuleAction action = new RuleAction();
    action.setType(RuleActionType.Assign);
    action.setUsers(new ArrayList<>(List.of(user)));
    return action;
  }

  private static RuleAction forward(String to) {
    RuleAction action = new RuleAction();
    action.setType(RuleActionType.Forward);
    action.setForwardTo(new ArrayList<>(List.of(to)));
    return action;
  }
}
