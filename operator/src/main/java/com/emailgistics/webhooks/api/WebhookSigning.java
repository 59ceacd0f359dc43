package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Signing of deliveries as the Standard Webhooks specification describes it. */
public class WebhookSigning {
  @Required
  @JsonPropertyDescription(
      "Secret key holding one to five signing secrets (whsec_ followed by 24 to 64 base64 bytes),"
          + " separated by spaces. Each signs every delivery and test delivery; list the new one"
          + " beside the old one while a receiver rotates.")
  private SecretKeyReference secretRef;

  public WebhookSigning() {}

  public WebhookSigning(SecretKeyReference secretRef) {
    this.secretRef = secretRef;
  }

  public SecretKeyReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretKeyReference secretRef) {
    this.secretRef = secretRef;
  }
}
