package com.emailgistics.webhooks.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;

/**
 * Makes a controller reconcile a resource again without a change in the cluster: when a test
 * delivery's result arrives, or when this replica becomes the leader (events seen while it was not
 * leading were not acted upon).
 */
public final class Retrigger<P extends HasMetadata> {
  private final SimpleInboundEventSource<P> source = new SimpleInboundEventSource<>("retrigger");
  private volatile IndexerResourceCache<P> primaries;

  /** Register the returned event source with the controller. */
  public EventSource<?, P> eventSource(EventSourceContext<P> context) {
    this.primaries = context.getPrimaryCache();
    return source;
  }

  public void one(ResourceID id) {
    source.propagateEvent(id);
  }

  /** Every resource in the controller's cache. */
  public void all() {
    IndexerResourceCache<P> cache = primaries;
    if (cache != null) {
      cache.list().forEach(resource -> source.propagateEvent(ResourceID.fromResource(resource)));
    }
  }
}
