package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key inside a Secret in the referring object's own namespace. */
public class SecretKeyReference {
  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of a Secret in the Webhook's namespace.")
  private String name;

  @Required
  @Size(max = 253)
  @Pattern("^[-._a-zA-Z0-9]+$")
  @JsonPropertyDescription("Key inside the Secret's data.")
  private String key;

  public SecretKeyReference() {}

  public SecretKeyReference(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  @Override
  public String toString() {
    return name + "[" + key + "]";
  }
}
