package com.emailgistics.webhooks.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The objects of one `helm template` run, parsed into fabric8's typed models. */
final class Rendered {
  final String yaml;
  final List<HasMetadata> objects;

  private Rendered(String yaml, List<HasMetadata> objects) {
    this.yaml = yaml;
    this.objects = List.copyOf(objects);
  }

  static Rendered parse(String yaml) {
    Object parsed = HelmChart.SERIALIZATION.unmarshal(yaml);
    List<HasMetadata> objects = new ArrayList<>();
    if (parsed instanceof List<?> list) {
      list.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).forEach(objects::add);
    } else if (parsed != null) {
      objects.add((HasMetadata) parsed);
    }
    return new Rendered(yaml, objects);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The one object of this type, namespace and name; fails the test when absent or repeated. */
  <T extends HasMetadata> T one(Class<T> type, String namespace, String name) {
    List<T> matching =
        all(type).stream()
            .filter(o -> name.equals(o.getMetadata().getName()))
            .filter(o -> Objects.equals(namespace, o.getMetadata().getNamespace()))
            .toList();
    assertThat(matching)
        .as("%s %s/%s in the rendered chart", type.getSimpleName(), namespace, name)
        .hasSize(1);
    return matching.get(0);
  }

  <T extends HasMetadata> T one(Class<T> type, String name) {
    return one(type, null, name);
  }

  /** Objects of kinds fabric8 has no model for (ServiceMonitor) come back untyped. */
  List<GenericKubernetesResource> generic(String apiVersion, String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(o -> apiVersion.equals(o.getApiVersion()) && kind.equals(o.getKind()))
        .toList();
  }

  List<String> kinds() {
    return objects.stream().map(HasMetadata::getKind).toList();
  }
}
