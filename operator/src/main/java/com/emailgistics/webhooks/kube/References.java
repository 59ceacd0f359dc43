package com.emailgistics.webhooks.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** Index keys and mappings shared by the reconcilers' event sources. */
public final class References {
  private References() {}

  public static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  public static String key(HasMetadata resource) {
    return key(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
  }

  /** The primaries that an index maps {@code key} to, as ResourceIDs. */
  public static <P extends HasMetadata> Set<ResourceID> byIndex(
      IndexerResourceCache<P> cache, String index, String key) {
    return cache.byIndex(index, key).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** An update filter passing only spec changes, not the object's own status updates. */
  public static <R extends HasMetadata> OnUpdateFilter<R> specChanged() {
    return (updated, old) -> !sameSpec(updated, old);
  }

  /**
   * Whether two versions of an object have the same spec: the API server bumps the generation of a
   * custom resource on every spec change, and on no status or metadata change.
   */
  public static boolean sameSpec(HasMetadata one, HasMetadata other) {
    return Objects.equals(one.getMetadata().getUid(), other.getMetadata().getUid())
        && Objects.equals(one.getMetadata().getGeneration(), other.getMetadata().getGeneration());
  }

  /** Restricts an informer to the given namespaces, or all when the set is empty. */
  public static <R extends HasMetadata> InformerEventSourceConfiguration.Builder<R> inNamespaces(
      InformerEventSourceConfiguration.Builder<R> builder, Set<String> namespaces) {
    return namespaces.isEmpty()
        ? builder.withWatchAllNamespaces()
        : builder.withNamespaces(namespaces);
  }
}
