package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

public class CustomFieldDefinition {
  @Required
  @Size(min = 1, max = 100)
  @Pattern("^[A-Za-z][A-Za-z0-9_.-]*$")
  @JsonPropertyDescription("Key used in payloads and setCustomFields actions, e.g. claimNumber.")
  private String key;

  @Size(max = 1000)
  @JsonPropertyDescription(
      "Optional Java regular expression a whole value must match; non-matching values are dropped.")
  private String validationPattern;

  public CustomFieldDefinition() {}

  public CustomFieldDefinition(String key, String validationPattern) {
    this.key = key;
    this.validationPattern = validationPattern;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getValidationPattern() {
    return validationPattern;
  }

  public void setValidationPattern(String validationPattern) {
    this.validationPattern = validationPattern;
  }
}
