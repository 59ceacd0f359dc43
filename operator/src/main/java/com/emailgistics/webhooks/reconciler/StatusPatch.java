package com.emailgistics.webhooks.reconciler;

import com.emailgistics.webhooks.api.ConditionedStatus;
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
import java.util.Map;
import java.util.Objects;

/**
 * Patches a status only when it changed, and puts the patched resource into JOSDK's cache so that
 * an event arriving before the informer has seen the patch is not reconciled against the older
 * status (which would, for instance, drop a test result just recorded).
 *
 * <p>Ownership is split by field: the reconciler owns every status field except those its status
 * class names as the dispatch side's ({@link ConditionedStatus#clearDispatchFields}), which it
 * never sets. With server-side apply (production) the patch holds nothing but name, namespace and
 * the reconciler's fields, so the dispatch side's are left alone. The fabric8 mock server used by
 * the fast tests has no server-side apply; there the whole status is replaced, with the dispatch
 * side's fields kept as they are.
 */
public final class StatusPatch {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final int HTTP_UNPROCESSABLE_CONTENT = 422;

  private StatusPatch() {}

  /**
   * @param status the reconciler's fields only (the dispatch side's are null)
   */
  public static <S extends ConditionedStatus, P extends CustomResource<?, S>>
      UpdateControl<P> ifChanged(P resource, S status, Context<P> context) {
    if (Objects.equals(json(reconcilerFields(resource.getStatus())), json(status))) {
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
            if (current.getStatus() != null) {
              status.keepDispatchFields(current.getStatus());
            }
            current.setStatus(status);
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

  /**
   * A copy of {@code stored} without the dispatch side's fields (the cached object stays as is).
   */
  private static <S extends ConditionedStatus> S reconcilerFields(S stored) {
    if (stored == null) {
      return null;
    }
    S copy = SERIALIZATION.clone(stored);
    copy.clearDispatchFields();
    return copy;
  }

  private static Object json(Object status) {
    return status == null ? null : SERIALIZATION.convertValue(status, Map.class);
  }

  private static <S, P extends CustomResource<?, S>> P statusOnly(P resource, S status) {
    P patch = SERIALIZATION.clone(resource);
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .build());
    patch.setSpec(null);
    patch.setStatus(status);
    return patch;
  }
}
