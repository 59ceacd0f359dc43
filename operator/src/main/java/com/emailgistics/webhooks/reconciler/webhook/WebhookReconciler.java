package com.emailgistics.webhooks.reconciler.webhook;

import com.emailgistics.webhooks.api.SecretKeyReference;
import com.emailgistics.webhooks.api.StatusCondition;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.api.WebhookStatus;
import com.emailgistics.webhooks.api.WebhookTestResult;
import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.delivery.Outcome;
import com.emailgistics.webhooks.delivery.SecretQuality;
import com.emailgistics.webhooks.delivery.TestDeliveries;
import com.emailgistics.webhooks.delivery.TestResult;
import com.emailgistics.webhooks.kube.EventRecorder;
import com.emailgistics.webhooks.kube.Informers;
import com.emailgistics.webhooks.kube.References;
import com.emailgistics.webhooks.reconciler.ConditionSet;
import com.emailgistics.webhooks.reconciler.Leadership;
import com.emailgistics.webhooks.reconciler.ReconcileErrors;
import com.emailgistics.webhooks.reconciler.Retrigger;
import com.emailgistics.webhooks.reconciler.StatusWriter;
import com.emailgistics.webhooks.resolution.ConfigurationProblem;
import com.emailgistics.webhooks.resolution.ResolvedWebhook;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a Webhook's Secrets, reports readiness and secret quality, and runs the test delivery
 * once per trigger. Generation-aware filtering is off so that the test-request annotation reaches
 * this reconciler; the test fingerprint, not the generation, prevents repeated tests.
 *
 * <p>A test delivery runs on the data plane's event loops, not on a reconciler thread: the
 * reconciler starts it and reports it in progress, and its result re-triggers the reconciler, which
 * then records it.
 */
@ControllerConfiguration(
    name = WebhookReconciler.NAME,
    generationAwareEventProcessing = false,
    // No per-reconciliation timer (WebhookOperator.RESYNC says why).
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 0))
public class WebhookReconciler implements Reconciler<Webhook> {
  public static final String NAME = "webhook";
  public static final String SECRET_STRONG = "SecretStrong";
  public static final String TEST_SUCCEEDED = "TestSucceeded";
  public static final String FEATURE_DISABLED = "WebhooksFeatureDisabled";
  public static final String TEST_IN_PROGRESS = "TestInProgress";
  public static final String TEST_RESULT_NOT_RECORDED = "TestResultNotRecorded";
  static final String SECRET_INDEX = "webhooks-by-secret";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookReconciler.class);

  private final OperatorConfig config;
  private final TestDeliveries tests;
  private final EventRecorder events;
  private final Leadership leadership;
  private final Clock clock;
  private final ReconcileErrors errors;
  private final StatusWriter statuses;
  private final Retrigger<Webhook> retrigger = new Retrigger<>();

  /** Records test outcomes (Events are API calls) off the event loop that completes the test. */
  private final Executor testCompletions;

  /** Tests started and not yet finished, by Webhook uid. */
  private final Map<String, RunningTest> running = new ConcurrentHashMap<>();

  /**
   * Results of the tests this process ran, by Webhook uid. A test runs once per fingerprint even
   * when its status patch is lost (a failed patch is retried from the older status) or an event
   * arrives before the informer has seen the patch.
   */
  private final Map<String, WebhookTestResult> testResults = new ConcurrentHashMap<>();

  private volatile IndexerResourceCache<Webhook> webhooks;
  private volatile InformerEventSource<Secret, Webhook> secrets;

  public WebhookReconciler(
      OperatorConfig config,
      TestDeliveries tests,
      EventRecorder events,
      Leadership leadership,
      Executor testCompletions,
      ReconcileErrors errors,
      StatusWriter statuses,
      Clock clock) {
    this.config = config;
    this.statuses = statuses;
    this.errors = errors;
    this.tests = tests;
    this.events = events;
    this.leadership = leadership;
    this.testCompletions = testCompletions;
    this.clock = clock;
  }

  private record RunningTest(String fingerprint, String cause, Instant started) {}

  @Override
  public List<EventSource<?, Webhook>> prepareEventSources(EventSourceContext<Webhook> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            SECRET_INDEX,
            webhook ->
                referencedSecrets(webhook)
                    .map(id -> References.key(id.getNamespace().orElseThrow(), id.getName()))
                    .toList());
    InformerEventSourceConfiguration.Builder<Secret> secrets =
        Informers.source(Secret.class, Webhook.class)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                secret ->
                    References.byIndex(
                        context.getPrimaryCache(), SECRET_INDEX, References.key(secret)))
            .withPrimaryToSecondaryMapper(
                (Webhook webhook) -> referencedSecrets(webhook).collect(Collectors.toSet()));
    secrets.withLabelSelector(config.secretLabelSelector());
    this.webhooks = context.getPrimaryCache();
    this.secrets = new InformerEventSource<>(secrets.build(), context);
    return List.of(this.secrets, retrigger.eventSource(context));
  }

  /** Forgets the test results of Webhooks that no longer exist. */
  public void forgetDeleted() {
    Set<String> live =
        webhooks.list().map(webhook -> webhook.getMetadata().getUid()).collect(Collectors.toSet());
    testResults.keySet().retainAll(live);
    running.keySet().retainAll(live);
  }

  /** Reconciles every Webhook again (on becoming the leader). */
  public void reconcileAll() {
    retrigger.all();
  }

  /** The Webhook informer's cache; available once the operator has started. */
  public IndexerResourceCache<Webhook> webhookCache() {
    return webhooks;
  }

  /** The informer of referenced Secrets, read at delivery time so rotations apply at once. */
  public InformerEventSource<Secret, Webhook> secretCache() {
    return secrets;
  }

  private static Stream<ResourceID> referencedSecrets(Webhook webhook) {
    String namespace = webhook.getMetadata().getNamespace();
    return webhook.getSpec().secretReferences().stream()
        .map(SecretKeyReference::getName)
        .distinct()
        .map(name -> new ResourceID(name, namespace));
  }

  /**
   * Four steps: observe the Webhook with the Secrets it references, validate it (Ready and
   * SecretStrong), act on the test delivery it is due, and record the status.
   */
  @Override
  public UpdateControl<Webhook> reconcile(Webhook webhook, Context<Webhook> context) {
    if (!leadership.leading()) {
      return UpdateControl.noUpdate();
    }
    WebhookStatus previous = Optional.ofNullable(webhook.getStatus()).orElseGet(WebhookStatus::new);
    ConditionSet conditions =
        new ConditionSet(previous.getConditions(), webhook.getMetadata().getGeneration(), clock);
    Observed observed = observe(webhook, context);
    boolean deliverable = validate(webhook, observed, conditions);
    TestStep test =
        deliverable
            ? test(webhook, observed.resolved())
            : new TestStep(previous.getLastTest(), null);
    return record(webhook, test, conditions, context);
  }

  /** The Webhook resolved with its Secrets, or the problem that prevents it. */
  private record Observed(ResolvedWebhook resolved, ConfigurationProblem problem) {}

  /** The last test to show, and the test in progress if one is. */
  private record TestStep(WebhookTestResult lastTest, RunningTest inProgress) {}

  private static Observed observe(Webhook webhook, Context<Webhook> context) {
    Map<String, Secret> secrets =
        context.getSecondaryResources(Secret.class).stream()
            .collect(
                Collectors.toMap(s -> s.getMetadata().getName(), Function.identity(), (a, b) -> a));
    try {
      return new Observed(ResolvedWebhook.resolve(webhook, secrets), null);
    } catch (ConfigurationProblem problem) {
      return new Observed(null, problem);
    }
  }

  /** Sets Ready and SecretStrong; whether the Webhook may be delivered to (and so tested). */
  private boolean validate(Webhook webhook, Observed observed, ConditionSet conditions) {
    if (observed.problem() != null) {
      conditions.set(
          SECRET_STRONG,
          ConditionSet.UNKNOWN,
          "SecretUnavailable",
          "Secret quality cannot be checked until the secret can be read.");
      setReady(
          webhook, conditions, false, observed.problem().reason(), observed.problem().getMessage());
      return false;
    }
    reportSecretQuality(
        webhook,
        conditions,
        SecretQuality.assess(observed.resolved().endpoint().bearerToken().orElse(null)));
    if (!config.webhooksEnabled()) {
      setReady(
          webhook,
          conditions,
          false,
          FEATURE_DISABLED,
          "The webhooks feature is switched off in the operator configuration; nothing is delivered.");
      return false;
    }
    setReady(webhook, conditions, true, "Ready", "The webhook can receive deliveries.");
    return true;
  }

  /**
   * The test delivery the Webhook is due, if any: its result when this process already has it, else
   * started now (or still running).
   */
  private TestStep test(Webhook webhook, ResolvedWebhook resolved) {
    WebhookTestResult shown =
        webhook.getStatus() == null ? null : webhook.getStatus().getLastTest();
    Optional<TestTrigger> trigger =
        TestTrigger.due(webhook, resolved.secretVersions(), TestTrigger.lastFingerprint(webhook));
    if (trigger.isEmpty()) {
      return new TestStep(shown, null);
    }
    String uid = webhook.getMetadata().getUid();
    // Running before finished: a completing test is put into testResults and only then removed
    // from running, so reading in this order always finds it in one of the two. Read the other
    // way round, a test completing between the reads was found in neither and started again.
    RunningTest current = running.get(uid);
    if (current != null && current.fingerprint().equals(trigger.get().fingerprint())) {
      return new TestStep(shown, current);
    }
    WebhookTestResult remembered = testResults.get(uid);
    if (remembered != null && remembered.getFingerprint().equals(trigger.get().fingerprint())) {
      return new TestStep(remembered, null);
    }
    return new TestStep(shown, startTest(webhook, resolved, trigger.get()));
  }

  private UpdateControl<Webhook> record(
      Webhook webhook, TestStep test, ConditionSet conditions, Context<Webhook> context) {
    if (test.inProgress() != null) {
      conditions.set(
          TEST_SUCCEEDED,
          ConditionSet.UNKNOWN,
          TEST_IN_PROGRESS,
          "A test delivery ("
              + test.inProgress().cause()
              + ") started at "
              + test.inProgress().started()
              + " is waiting for the endpoint's answer (timeout "
              + webhook.getSpec().getTimeoutSeconds()
              + " s).");
    } else {
      setTestCondition(conditions, test.lastTest());
    }
    WebhookStatus status = new WebhookStatus();
    status.setObservedGeneration(webhook.getMetadata().getGeneration());
    status.setLastTest(test.lastTest());
    status.setConditions(conditions.toList());
    return statuses.write(webhook, status, context);
  }

  /**
   * When a reconciliation fails while a finished test waits to be recorded (its status patch was
   * refused, for instance), the status must not go on presenting the previous test as the current
   * one: TestSucceeded turns Unknown and says why. JOSDK's retries then run as usual.
   */
  @Override
  public ErrorStatusUpdateControl<Webhook> updateErrorStatus(
      Webhook webhook, Context<Webhook> context, Exception failure) {
    WebhookStatus previous = Optional.ofNullable(webhook.getStatus()).orElseGet(WebhookStatus::new);
    WebhookTestResult unrecorded = testResults.get(webhook.getMetadata().getUid());
    if (leadership.leading()
        && unrecorded != null
        && !unrecorded.getFingerprint().equals(TestTrigger.lastFingerprint(webhook))) {
      try {
        statuses.write(webhook, withUnrecordedTest(previous, unrecorded, failure), context);
      } catch (RuntimeException e) {
        LOG.warn(
            "Webhook {}: could not mark its test result as unrecorded either: {}",
            References.key(webhook),
            ReconcileErrors.describe(e));
      }
      return errors.counted();
    }
    return leadership.leading()
        ? errors.reported(webhook, context, failure, statuses, WebhookStatus::new)
        : errors.counted();
  }

  /** {@code previous} with TestSucceeded saying that {@code test} could not be recorded. */
  private WebhookStatus withUnrecordedTest(
      WebhookStatus previous, WebhookTestResult test, Exception failure) {
    ConditionSet conditions =
        ConditionSet.keeping(
            previous.getConditions(), previous.getObservedGeneration(), clock, TEST_SUCCEEDED);
    conditions.set(
        TEST_SUCCEEDED,
        ConditionSet.UNKNOWN,
        TEST_RESULT_NOT_RECORDED,
        "The test delivery ("
            + test.getTrigger()
            + ") started at "
            + test.getTime()
            + " ended with "
            + test.getOutcome()
            + ", but its result could not be recorded in this status ("
            + ReconcileErrors.describe(failure)
            + "); lastTest does not show it. The operator retries.");
    WebhookStatus status = new WebhookStatus();
    status.setObservedGeneration(previous.getObservedGeneration());
    status.setLastTest(previous.getLastTest());
    status.setConditions(conditions.toList());
    return status;
  }

  /** Starts the test of {@code trigger}, recorded as running until its result is remembered. */
  private RunningTest startTest(Webhook webhook, ResolvedWebhook resolved, TestTrigger trigger) {
    String uid = webhook.getMetadata().getUid();
    RunningTest test =
        new RunningTest(
            trigger.fingerprint(),
            trigger.cause(),
            Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
    running.put(uid, test);
    ResourceID id = ResourceID.fromResource(webhook);
    tests
        .start(References.key(webhook), resolved.endpoint(), resolved.options())
        .whenCompleteAsync(
            (result, failure) -> {
              TestResult outcome =
                  failure == null
                      ? result
                      : new TestResult(
                          Outcome.ConnectionError,
                          "Internal error while testing; see the operator log",
                          null,
                          null,
                          0);
              if (failure != null) {
                LOG.error(
                    "Test delivery for Webhook {} failed unexpectedly",
                    References.key(webhook),
                    failure);
              }
              recordTest(webhook, test, outcome);
              running.remove(uid, test);
              retrigger.one(id);
            },
            testCompletions);
    return test;
  }

  private void recordTest(Webhook webhook, RunningTest test, TestResult result) {
    LOG.info(
        "Test delivery for Webhook {} ({}): {}",
        References.key(webhook),
        test.cause(),
        result.outcome());
    events.record(
        webhook,
        result.outcome().succeeded() ? EventRecorder.NORMAL : EventRecorder.WARNING,
        result.outcome().succeeded() ? "TestSucceeded" : "TestFailed",
        result.outcome() + ": " + result.conditionMessage());
    WebhookTestResult lastTest = new WebhookTestResult();
    lastTest.setTime(test.started().toString());
    lastTest.setTrigger(test.cause());
    lastTest.setFingerprint(test.fingerprint());
    lastTest.setOutcome(result.outcome().name());
    lastTest.setMessage(result.message());
    lastTest.setActions(result.actionsSummary());
    lastTest.setHttpStatus(result.httpStatus());
    lastTest.setDurationMillis(result.durationMillis());
    testResults.put(webhook.getMetadata().getUid(), lastTest);
  }

  private void setTestCondition(ConditionSet conditions, WebhookTestResult lastTest) {
    if (lastTest == null) {
      String reason = config.webhooksEnabled() ? "NotTested" : FEATURE_DISABLED;
      conditions.set(
          TEST_SUCCEEDED,
          ConditionSet.UNKNOWN,
          reason,
          "No test delivery has run yet; it runs once the webhook is ready.");
      return;
    }
    boolean succeeded = "Succeeded".equals(lastTest.getOutcome());
    String message = TestResult.conditionMessage(lastTest.getMessage(), lastTest.getActions());
    conditions.set(
        TEST_SUCCEEDED, succeeded, succeeded ? "TestSucceeded" : lastTest.getOutcome(), message);
  }

  private void reportSecretQuality(
      Webhook webhook, ConditionSet conditions, SecretQuality quality) {
    boolean strong = quality == SecretQuality.Strong;
    conditions.set(SECRET_STRONG, strong, quality.name(), quality.message());
    if (!strong && isNewReason(conditions.previous(SECRET_STRONG), quality.name())) {
      events.record(webhook, EventRecorder.WARNING, quality.name(), quality.message());
    }
  }

  private void setReady(
      Webhook webhook, ConditionSet conditions, boolean ready, String reason, String message) {
    conditions.set(ConditionSet.READY, ready, reason, message);
    if (!ready && isNewReason(conditions.previous(ConditionSet.READY), reason)) {
      events.record(webhook, EventRecorder.WARNING, reason, message);
    }
  }

  private static boolean isNewReason(Optional<StatusCondition> previous, String reason) {
    return previous.map(StatusCondition::getReason).filter(reason::equals).isEmpty();
  }
}
