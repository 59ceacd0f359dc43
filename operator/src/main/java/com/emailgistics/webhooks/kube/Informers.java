package com.emailgistics.webhooks.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;

/**
 * How every informer of the operator is set up: it keeps {@link LeanItemStore lean objects}, and it
 * lists in pages. Unpaged, the first list of 100,000 rules is one answer of several hundred
 * megabytes, parsed into full objects all at once before the store sees the first of them.
 */
public final class Informers {
  /** Objects per page of an informer's list. */
  static final long LIST_PAGE = 500;

  private Informers() {}

  /** An event source of {@code kind} objects, set up as above. */
  public static <R extends HasMetadata> InformerEventSourceConfiguration.Builder<R> source(
      Class<R> kind, Class<? extends HasMetadata> primary) {
    return InformerEventSourceConfiguration.from(kind, primary)
        .withItemStore(new LeanItemStore<>())
        .withInformerListLimit(LIST_PAGE);
  }

  /** A controller's own informer, set up as above; {@code listener} hears of every change. */
  public static <R extends HasMetadata> void configure(
      ControllerConfigurationOverrider<R> controller, LeanItemStore.Listener<R> listener) {
    controller.withItemStore(new LeanItemStore<>(listener)).withInformerListLimit(LIST_PAGE);
  }
}
