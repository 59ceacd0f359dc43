package com.emailgistics.webhooks.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.Objects;

/**
 * Patches a status only when it changed, and puts the patched resource into JOSDK's cache so that
 * an event arriving before the informer has seen the patch is not reconciled against the older
 * status (which would, for instance, drop a test result just recorded).
 *
 * <p>With server-side apply (production) the patch holds nothing but name, namespace and status,
 * so the operator owns exactly the status fields. The fabric8 mock server used by the fast tests
 * has no server-side apply; there a JSON patch computed against the current object is sent.
 */
public final class StatusPatch {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StatusPatch() {}

  public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChanged(
      P resource, S status, Context<P> context) {
    if (Objects.equals(
        SERIALIZATION.convertValue(resource.getStatus(), Object.class),
        SERIALIZATION.convertValue(status, Object.class))) {
      return UpdateControl.noUpdate();
    }
    if (context.getControllerConfiguration().getConfigurationService().useSSAToPatchPrimaryResource()) {
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(resource, statusOnly(resource, status), context);
    } else {
      PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(resource, context, current -> {
        current.setStatus(status);
        return current;
      });
    }
    return UpdateControl.noUpdate();
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
