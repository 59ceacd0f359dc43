package com.emailgistics.webhooks.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

public class WebhookSpec {
  public static final int DEFAULT_TIMEOUT_SECONDS = 100;
  public static final int MAX_MAILBOXES = 1000;

  @Required
  @Size(min = 1, max = 100)
  @JsonPropertyDescription(
      "Label shown to mailbox administrators when they pick the webhook for a rule.")
  private String displayName;

  @Required
  @Size(max = 2048)
  @Pattern("^https://[^\\s/?#@]+(/[^\\s]*)?$")
  @JsonPropertyDescription(
      "The endpoint that receives deliveries. Must start with https://; plain HTTP is rejected.")
  private String url;

  @JsonPropertyDescription(
      "Secret key whose value is sent as 'Authorization: Bearer <value>' on every delivery."
          + " Without it the Authorization header is left out. Use at least 16 characters mixing"
          + " letters, digits and symbols.")
  private SecretKeyReference secretRef;

  @JsonPropertyDescription(
      "Secret key holding PEM certificates that sign the endpoint's certificate, for endpoints"
          + " behind a private CA. When set, only these certificates are trusted for this webhook.")
  private SecretKeyReference caBundleRef;

  @JsonPropertyDescription(
      "Sign deliveries as the Standard Webhooks specification describes (headers webhook-id,"
          + " webhook-timestamp, webhook-signature: HMAC-SHA256 over id.timestamp.body), so a"
          + " receiver can detect tampering and replays. Absent: no signature headers.")
  private WebhookSigning signing;

  @Size(max = MAX_MAILBOXES)
  @JsonPropertyDescription(
      "The Mailboxes whose rules may use this webhook (at most 1,000). Other mailboxes do not see it.")
  private List<NamespacedReference> mailboxes = new ArrayList<>();

  @Default("false")
  @JsonPropertyDescription("Include the message body as plain text in the payload field bodyText.")
  private boolean includeMessageText;

  @Default("false")
  @JsonPropertyDescription(
      "Include the conversation's custom field values in the payload field customFields"
          + " (only when the conversation has values).")
  private boolean includeCustomFields;

  @Default("100")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Per-attempt timeout in seconds (the product's limit is 100).")
  private int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;

  public String getDisplayName() {
    return displayName;
  }

  public void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public SecretKeyReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretKeyReference secretRef) {
    this.secretRef = secretRef;
  }

  public SecretKeyReference getCaBundleRef() {
    return caBundleRef;
  }

  public void setCaBundleRef(SecretKeyReference caBundleRef) {
    this.caBundleRef = caBundleRef;
  }

  public WebhookSigning getSigning() {
    return signing;
  }

  public void setSigning(WebhookSigning signing) {
    this.signing = signing;
  }

  /** The Secret keys this webhook reads: bearer token, CA bundle, signing secrets (when set). */
  @JsonIgnore
  public List<SecretKeyReference> secretReferences() {
    return Stream.of(secretRef, caBundleRef, signing == null ? null : signing.getSecretRef())
        .filter(Objects::nonNull)
        .toList();
  }

  public List<NamespacedReference> getMailboxes() {
    return mailboxes;
  }

  public void setMailboxes(List<NamespacedReference> mailboxes) {
    this.mailboxes = mailboxes == null ? new ArrayList<>() : mailboxes;
  }

  public boolean isIncludeMessageText() {
    return includeMessageText;
  }

  public void setIncludeMessageText(boolean includeMessageText) {
    this.includeMessageText = includeMessageText;
  }

  public boolean isIncludeCustomFields() {
    return includeCustomFields;
  }

  public void setIncludeCustomFields(boolean includeCustomFields) {
    this.includeCustomFields = includeCustomFields;
  }

  public int getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(int timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public boolean permitsMailbox(String namespace, String name) {
    return mailboxes.stream().anyMatch(ref -> ref.refersTo(namespace, name));
  }
}
