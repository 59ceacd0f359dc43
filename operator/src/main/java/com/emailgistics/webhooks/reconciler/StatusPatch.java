package com.emailgistics.webhooks.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Patches a status only when it changed, and puts the patched resource into JOSDK's cache so that
 * an event arriving before the informer has seen the patch is not reconciled against the older
 * status (which would, for instance, drop a test result just recorded).
 *
 * <p>With server-side apply (production) the patch holds nothing but name, namespace and the status
 * fields this reconciler owns; "foreign" status fields written by someone else are neither compared
 * nor sent, so they are left alone. The fabric8 mock server used by the fast tests has no
 * server-side apply; there a JSON patch computed against the current object is sent, with the
 * current values of the foreign fields kept.
 */
public final class StatusPatch {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final int HTTP_UNPROCESSABLE_CONTENT = 422;

  private StatusPatch() {}

  public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChanged(
      P resource, S status, Context<P> context, String... foreignFields) {
    List<String> foreign = List.of(foreignFields);
    if (Objects.equals(owned(resource.getStatus(), foreign), owned(status, foreign))) {
      return UpdateControl.noUpdate();
    }
    if (context
        .getControllerConfiguration()
        .getConfigurationService()
        .useSSAToPatchPrimaryResource()) {
      P patch = statusOnly(resource, status);
      PrimaryUpdateAndCacheUtils.updateAndCacheResource(
          resource, context, stale -> patch, applied -> apply(applied, context));
    } else {
      PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
          resource,
          context,
          current -> {
            current.setStatus(withForeignFieldsOf(current.getStatus(), status, foreign));
            return current;
          });
    }
    return UpdateControl.noUpdate();
  }

  /**
   * What JOSDK's ssaPatchStatusAndCacheResource sends, except that a 422 is not retried: JOSDK
   * retries 422 like a conflict, polling its cache for ten seconds for a newer version that never
   * comes, and then drops the API server's message. A status the API server finds invalid stays
   * invalid; the reconciler's error handling reports it.
   */
  private static <P extends HasMetadata> P apply(P patch, Context<P> context) {
    try {
      return context
          .getClient()
          .resource(patch)
          .subresource("status")
          .patch(
              new PatchContext.Builder()
                  .withForce(true)
                  .withFieldManager(context.getControllerConfiguration().fieldManager())
                  .withPatchType(PatchType.SERVER_SIDE_APPLY)
                  .build());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HTTP_UNPROCESSABLE_CONTENT) {
        throw new Refused(e);
      }
      throw e;
    }
  }

  /** The API server refused a status as invalid (HTTP 422); the cause says why. */
  public static final class Refused extends RuntimeException {
    Refused(KubernetesClientException cause) {
      super("the API server refused the status", cause);
    }
  }

  /** The status as a JSON map without the foreign fields (null stays null). */
  private static Map<String, Object> owned(Object status, List<String> foreign) {
    if (status == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = new LinkedHashMap<>(SERIALIZATION.convertValue(status, Map.class));
    foreign.forEach(fields::remove);
    return fields;
  }

  @SuppressWarnings("unchecked")
  private static <S> S withForeignFieldsOf(S current, S status, List<String> foreign) {
    if (current == null || foreign.isEmpty()) {
      return status;
    }
    Map<String, Object> merged = new LinkedHashMap<>(SERIALIZATION.convertValue(status, Map.class));
    Map<String, Object> existing = SERIALIZATION.convertValue(current, Map.class);
    foreign.stream()
        .filter(existing::containsKey)
        .forEach(field -> merged.put(field, existing.get(field)));
    return (S) SERIALIZATION.convertValue(merged, status.getClass());
  }

  private static <S, P extends CustomResource<?, S>> P statusOnly(P resource, S status) {
    P patch = newInstance(resource);
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return patch;
  }

  @SuppressWarnings("unchecked")
  private static <P> P newInstance(P resource) {
    try {
      return (P) resource.getClass().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("custom resources have a public no-argument constructor", e);
    }
  }
}
