package com.emailgistics.webhooks.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A reconciliation's context for calling {@code reconcile()} directly: the primary resource and the
 * secondary resources the reconciler sees, nothing else (the reconcilers read only those; their
 * status goes to a {@link RecordedStatus}).
 */
public final class ReconcileContext<P extends HasMetadata> implements Context<P> {
  private final P primary;
  private final List<HasMetadata> secondary;

  private ReconcileContext(P primary, List<HasMetadata> secondary) {
    this.primary = primary;
    this.secondary = secondary;
  }

  /** {@code primary} with {@code secondary} as its secondary resources, of any kinds. */
  public static <P extends HasMetadata> ReconcileContext<P> of(
      P primary, HasMetadata... secondary) {
    return new ReconcileContext<>(primary, Arrays.asList(secondary));
  }

  @Override
  public <R> Set<R> getSecondaryResources(Class<R> kind) {
    Set<R> matching = new HashSet<>();
    secondary.stream().filter(kind::isInstance).map(kind::cast).forEach(matching::add);
    return matching;
  }

  @Override
  public <R> Optional<R> getSecondaryResource(Class<R> kind, String name) {
    return getSecondaryResources(kind).stream()
        .filter(resource -> ((HasMetadata) resource).getMetadata().getName().equals(name))
        .findFirst();
  }

  @Override
  public P getPrimaryResource() {
    return primary;
  }

  @Override
  public Optional<RetryInfo> getRetryInfo() {
    return Optional.empty();
  }

  @Override
  public boolean isNextReconciliationImminent() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceDeleted() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceFinalStateUnknown() {
    return false;
  }

  @Override
  public ControllerConfiguration<P> getControllerConfiguration() {
    throw notUsed();
  }

  @Override
  public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
    throw notUsed();
  }

  @Override
  public EventSourceRetriever<P> eventSourceRetriever() {
    throw notUsed();
  }

  @Override
  public KubernetesClient getClient() {
    throw notUsed();
  }

  @Override
  public ExecutorService getWorkflowExecutorService() {
    throw notUsed();
  }

  @Override
  public IndexedResourceCache<P> getPrimaryCache() {
    throw notUsed();
  }

  private static UnsupportedOperationException notUsed() {
    return new UnsupportedOperationException(
        "a reconciler called directly reads only its primary and secondary resources");
  }
}
