package com.emailgistics.webhooks.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.Objects;

/**
 * Patches a status only when it changed. The patch object holds nothing but name, namespace and
 * status, as server-side apply expects: the operator then owns exactly the status fields.
 */
public final class StatusPatch {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StatusPatch() {}

  public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChanged(P resource, S status) {
    if (Objects.equals(
        SERIALIZATION.convertValue(resource.getStatus(), Object.class),
        SERIALIZATION.convertValue(status, Object.class))) {
      return UpdateControl.noUpdate();
    }
    P patch = newInstance(resource);
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
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
