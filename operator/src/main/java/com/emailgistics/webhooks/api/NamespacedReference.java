package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** Points at a namespaced object of a known kind. */
public class NamespacedReference {
  private static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  private static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  @Required
  @Size(max = 63)
  @Pattern(DNS_LABEL)
  @JsonPropertyDescription("Namespace of the referenced object.")
  private String namespace;

  @Required
  @Size(max = 253)
  @Pattern(DNS_SUBDOMAIN)
  @JsonPropertyDescription("Name of the referenced object.")
  private String name;

  public NamespacedReference() {}

  public NamespacedReference(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  /** "namespace/name", the form used in messages and cache indexes. */
  @JsonIgnore
  public String key() {
    return namespace + "/" + name;
  }

  public boolean refersTo(String namespace, String name) {
    return Objects.equals(this.namespace, namespace) && Objects.equals(this.name, name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamespacedReference other
        && Objects.equals(namespace, other.namespace)
        && Objects.equals(name, other.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, name);
  }

  @Override
  public String toString() {
    return key();
  }
}
