package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.DaemonThreads;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.RuleProblem;
import com.emailgistics.webhooks.api.RuleProblems;
import com.emailgistics.webhooks.kube.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The rule's admin log (spec section 6): runtime problems of each MailboxRule, kept where a mailbox
 * administrator can see them with the rights they have. Counts and the last message per kind of
 * problem go to the rule's status.problems (StatusSummaryWriter, every few seconds), and one
 * deduplicated Warning Event per kind and window goes to the rule itself. Texts arrive redacted and
 * capped; nothing here holds a secret or a message body.
 */
public final class RuleProblemLog {
  public static final String DELIVERY_FAILED = "DeliveryFailed";
  public static final String DELIVERY_NOT_ATTEMPTED = "DeliveryNotAttempted";
  public static final String ACTION_DROPPED = "ActionDropped";
  static final Duration EVENT_WINDOW = Duration.ofMinutes(5);

  private final EventRecorder events;
  private final Clock clock;
  private final WarningWindows warnings;
  private final Map<String, RuleLog> logs = new ConcurrentHashMap<>();

  /** Events are blocking API calls: they must not run on an event loop. */
  private final ExecutorService eventThread =
      Executors.newSingleThreadExecutor(DaemonThreads.named("rule-events"));

  /** One rule's problems; guarded by itself. */
  private static final class RuleLog {
    final String namespace;
    final String name;
    final Map<String, RuleProblem> byKind = new LinkedHashMap<>();
    long total;
    String lastTime;
    long version;

    RuleLog(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }
  }

  /** What to write into one rule's status, and the version it reflects. */
  record Snapshot(String uid, String namespace, String name, long version, RuleProblems problems) {}

  public RuleProblemLog(EventRecorder events, Clock clock) {
    this.events = events;
    this.clock = clock;
    this.warnings = new WarningWindows(EVENT_WINDOW, clock);
  }

  /**
   * Records a problem of {@code rule}; {@code webhook} (namespace/name) is null for the rule's own
   * actions.
   */
  public void record(MailboxRule rule, String kind, String webhook, String message) {
    String uid = rule.getMetadata().getUid();
    RuleLog log =
        logs.computeIfAbsent(
            uid, k -> new RuleLog(rule.getMetadata().getNamespace(), rule.getMetadata().getName()));
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    synchronized (log) {
      String key = kind + " " + Objects.requireNonNullElse(webhook, "");
      RuleProblem problem = log.byKind.remove(key);
      if (problem == null) {
        problem = new RuleProblem();
        problem.setKind(kind);
        problem.setWebhook(webhook);
      }
      problem.setCount(problem.getCount() + 1);
      problem.setLastTime(now);
      problem.setLastMessage(message);
      log.byKind.put(key, problem);
      if (log.byKind.size() > RuleProblems.MAX_RECENT) {
        log.byKind.remove(log.byKind.keySet().iterator().next());
      }
      log.total++;
      log.lastTime = now;
      log.version++;
    }
    warnings
        .admit(uid + " " + kind + " " + webhook)
        .ifPresent(
            previouslySuppressed ->
                eventThread.execute(
                    () ->
                        events.record(
                            rule,
                            EventRecorder.WARNING,
                            kind,
                            (webhook == null ? "" : "Webhook " + webhook + ": ")
                                + message
                                + (previouslySuppressed > 0
                                    ? " ("
                                        + previouslySuppressed
                                        + " similar problems were not reported in the previous"
                                        + " window)"
                                    : ""))));
  }

  /**
   * The problems, newest kind first, of every rule whose log changed since the version in {@code
   * written} (by uid).
   */
  List<Snapshot> changedSince(Map<String, Long> written) {
    List<Snapshot> snapshots = new ArrayList<>();
    logs.forEach(
        (uid, log) -> {
          synchronized (log) {
            if (Objects.equals(written.get(uid), log.version)) {
              return;
            }
            RuleProblems problems = new RuleProblems();
            problems.setTotal(log.total);
            problems.setLastTime(log.lastTime);
            List<RuleProblem> recent = new ArrayList<>(log.byKind.values());
            Collections.reverse(recent);
            problems.setRecent(recent.stream().map(RuleProblemLog::copy).toList());
            snapshots.add(new Snapshot(uid, log.namespace, log.name, log.version, problems));
          }
        });
    return snapshots;
  }

  /** The uids of the rules with a log. */
  Set<String> ruleUids() {
    return Set.copyOf(logs.keySet());
  }

  /** Forgets rules that no longer exist. */
  public void retainRules(Set<String> liveUids) {
    logs.keySet().retainAll(liveUids);
  }

  void forget(String uid) {
    logs.remove(uid);
  }

  private static RuleProblem copy(RuleProblem problem) {
    RuleProblem copy = new RuleProblem();
    copy.setKind(problem.getKind());
    copy.setWebhook(problem.getWebhook());
    copy.setCount(problem.getCount());
    copy.setLastTime(problem.getLastTime());
    copy.setLastMessage(problem.getLastMessage());
    return copy;
  }
}
