package com.emailgistics.webhooks.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Map;

/**
 * The store of every informer ({@link Informers}): it keeps what the operator reads and drops,
 * before an object enters the cache, what it never reads. That is {@code metadata.managedFields} (a
 * third of a typical rule's JSON, and several times that as Java maps) and kubectl's
 * last-applied-configuration annotation (a second copy of the whole object when users apply
 * client-side). client-go operators do the same with {@code TransformStripManagedFields}. What
 * stays holds {@link SharedStrings}.
 *
 * <p>Nothing the operator writes depends on them: status goes out as a server-side apply of the
 * status alone, and the API server tracks field ownership from the request, not from our copy.
 *
 * <p>A {@link Listener} hears of every object stored or removed, as it happens: before the informer
 * updates its indices and before any event handler runs.
 */
public final class LeanItemStore<R extends HasMetadata> extends BasicItemStore<R> {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** Hears of changes to the store; called on the informer's thread, so it must be quick. */
  @FunctionalInterface
  public interface Listener<R> {
    /** {@code previous} is null for a new object, {@code current} null for a removed one. */
    void changed(R previous, R current);

    /** For stores whose changes nobody needs to hear of. */
    static <R> Listener<R> none() {
      return (previous, current) -> {};
    }
  }

  private final Listener<R> listener;

  public LeanItemStore() {
    this(Listener.none());
  }

  public LeanItemStore(Listener<R> listener) {
    super(Cache::metaNamespaceKeyFunc);
    this.listener = listener;
  }

  @Override
  public R put(String key, R object) {
    R previous = super.put(key, lean(object));
    listener.changed(previous, object);
    return previous;
  }

  @Override
  public R remove(String key) {
    R previous = super.remove(key);
    if (previous != null) {
      listener.changed(previous, null);
    }
    return previous;
  }

  /**
   * {@code object} itself, without the fields above and with shared strings: the informer hands
   * over a fresh copy that nothing else holds yet.
   */
  static <R extends HasMetadata> R lean(R object) {
    ObjectMeta metadata = object.getMetadata();
    if (metadata != null) {
      metadata.setManagedFields(null);
      Map<String, String> annotations = metadata.getAnnotations();
      if (annotations != null
          && annotations.remove(LAST_APPLIED) != null
          && annotations.isEmpty()) {
        metadata.setAnnotations(null);
      }
      SharedStrings.share(object);
    }
    return object;
  }
}
