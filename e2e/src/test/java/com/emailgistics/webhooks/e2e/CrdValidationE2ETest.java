package com.emailgistics.webhooks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.e2e.support.E2eCluster;
import com.emailgistics.webhooks.e2e.support.E2eClusterExtension;
import com.emailgistics.webhooks.e2e.support.Paths;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The committed CRDs on a real API server: bad input is rejected at apply time with a message
 * naming the field (OpenAPI schema and CEL rules; the fabric8 mock server checks neither), and
 * every manifest in examples/ is accepted as is.
 */
@ExtendWith(E2eClusterExtension.class)
class CrdValidationE2ETest {
  private static final String API_VERSION = "webhooks.emailgistics.com/v1alpha1";

  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void setUp(E2eCluster cluster) {
    client = cluster.admin();
    namespace = cluster.createNamespace("validation");
  }

  // ---- Webhook -------------------------------------------------------------------------------

  @Test
  void validWebhookIsAccepted() {
    assertThat(client.resource(webhook(spec -> {})).dryRun().create()).isNotNull();
  }

  @Test
  void plainHttpUrlIsRejected() {
    assertRejected(
        webhook(spec -> spec.put("url", "http://integrations.example.com/hooks")),
        "spec.url",
        "Invalid value: \"http://integrations.example.com/hooks\": spec.url in body should match '^https://");
  }

  @Test
  void webhookWithoutUrlIsRejected() {
    assertRejected(webhook(spec -> spec.remove("url")), "spec.url", "Required value");
  }

  @Test
  void webhookWithoutDisplayNameIsRejected() {
    assertRejected(
        webhook(spec -> spec.remove("displayName")), "spec.displayName", "Required value");
  }

  @Test
  void timeoutOutsideOneToHundredIsRejected() {
    assertRejected(
        webhook(spec -> spec.put("timeoutSeconds", 0)),
        "spec.timeoutSeconds",
        "Invalid value: 0: spec.timeoutSeconds in body should be greater than or equal to 1");
    assertRejected(
        webhook(spec -> spec.put("timeoutSeconds", 101)),
        "spec.timeoutSeconds",
        "Invalid value: 101: spec.timeoutSeconds in body should be less than or equal to 100");
  }

  @Test
  void secretReferenceNeedsAKey() {
    assertRejected(
        webhook(spec -> spec.put("secretRef", Map.of("name", "token"))),
        "spec.secretRef.key",
        "Required value");
  }

  @Test
  void mailboxReferenceMustBeAValidName() {
    assertRejected(
        webhook(
            spec ->
                spec.put(
                    "mailboxes", List.of(Map.of("namespace", "Team_Claims", "name", "claims")))),
        "spec.mailboxes[0].namespace",
        "Invalid value: \"Team_Claims\"");
  }

  // ---- Mailbox -------------------------------------------------------------------------------

  @Test
  void mailboxNeedsAnAddress() {
    assertRejected(mailbox(spec -> spec.remove("address")), "spec.address", "Required value");
    assertRejected(
        mailbox(spec -> spec.put("address", "not an address")),
        "spec.address",
        "Invalid value: \"not an address\"");
  }

  @Test
  void mailboxUserNeedsDisplayNameAndEmail() {
    assertRejected(
        mailbox(spec -> spec.put("users", List.of(Map.of("email", "joe@insurer.example")))),
        "spec.users[0].displayName",
        "Required value");
  }

  // ---- Limits: nothing a tenant writes is unbounded ------------------------------------------

  @Test
  void listsBeyondTheirLimitsAreRejected() {
    assertRejected(
        webhook(
            spec ->
                spec.put(
                    "mailboxes", Collections.nCopies(1001, Map.of("namespace", "t", "name", "m")))),
        "spec.mailboxes",
        "must have at most 1000 items");
    assertRejected(
        mailbox(spec -> spec.put("tags", Collections.nCopies(201, "VIP"))),
        "spec.tags",
        "must have at most 200 items");
    assertRejected(
        mailbox(spec -> spec.put("customFields", Collections.nCopies(101, Map.of("key", "k")))),
        "spec.customFields",
        "must have at most 100 items");
    assertRejected(
        mailbox(
            spec ->
                spec.put(
                    "users",
                    Collections.nCopies(
                        1001, Map.of("displayName", "Joe", "email", "joe@insurer.example")))),
        "spec.users",
        "must have at most 1000 items");
    assertRejected(
        rule(
            spec ->
                spec.put(
                    "conditions",
                    Collections.nCopies(
                        51, Map.of("type", "SubjectContains", "values", List.of("claim"))))),
        "spec.conditions",
        "must have at most 50 items");
    assertRejected(
        rule(
            spec ->
                spec.put(
                    "actions",
                    Collections.nCopies(21, Map.of("type", "Tag", "tags", List.of("VIP"))))),
        "spec.actions",
        "must have at most 20 items");
  }

  @Test
  void stringsBeyondTheirLimitsAreRejected() {
    String long300 = "a".repeat(300);
    assertRejected(
        webhook(spec -> spec.put("url", "https://example.com/" + "a".repeat(2048))),
        "spec.url",
        "may not be more than 2048 bytes");
    assertRejected(
        webhook(spec -> spec.put("secretRef", Map.of("name", long300, "key", "token"))),
        "spec.secretRef.name",
        "may not be more than 253 bytes");
    assertRejected(
        webhook(
            spec ->
                spec.put("mailboxes", List.of(Map.of("namespace", "a".repeat(64), "name", "m")))),
        "spec.mailboxes[0].namespace",
        "may not be more than 63 bytes");
    assertRejected(
        mailbox(spec -> spec.put("tags", List.of("a".repeat(101)))),
        "spec.tags",
        "each tag has 1 to 100 characters");
    assertRejected(
        mailbox(
            spec ->
                spec.put(
                    "customFields",
                    List.of(Map.of("key", "k", "validationPattern", "a".repeat(1001))))),
        "spec.customFields[0].validationPattern",
        "may not be more than 1000 bytes");
    assertRejected(
        rule(spec -> spec.put("mailbox", long300)),
        "spec.mailbox",
        "may not be more than 253 bytes");
    assertRejected(
        rule(
            spec ->
                spec.put(
                    "conditions",
                    List.of(
                        Map.of("type", "SubjectContains", "values", List.of("a".repeat(1001)))))),
        "spec.conditions[0].values",
        "each value has at most 1000 characters");
    assertRejected(
        rule(
            spec ->
                spec.put(
                    "actions", List.of(Map.of("type", "Tag", "tags", List.of("a".repeat(101)))))),
        "spec.actions[0].tags",
        "each tag has at most 100 characters");
    assertRejected(
        rule(
            spec ->
                spec.put(
                    "actions",
                    List.of(
                        Map.of(
                            "type",
                            "Forward",
                            "forwardTo",
                            List.of("a".repeat(250) + "@x.example"))))),
        "spec.actions[0].forwardTo",
        "each address has at most 254 characters");
  }

  // ---- MailboxRule ---------------------------------------------------------------------------

  @Test
  void validRuleIsAccepted() {
    assertThat(client.resource(rule(spec -> {})).dryRun().create()).isNotNull();
  }

  @Test
  void ruleWithoutMailboxOrActionsIsRejected() {
    assertRejected(rule(spec -> spec.remove("mailbox")), "spec.mailbox", "Required value");
    assertRejected(rule(spec -> spec.remove("actions")), "spec.actions", "Required value");
    assertRejected(
        rule(spec -> spec.put("actions", List.of())),
        "spec.actions",
        "Invalid value: 0: spec.actions in body should have at least 1 items");
  }

  @Test
  void unknownMatchModeIsRejectedListingTheSupportedValues() {
    assertRejected(
        rule(spec -> spec.put("match", "Sometimes")),
        "spec.match",
        "Unsupported value: \"Sometimes\": supported values: \"All\", \"Any\"");
  }

  @Test
  void unknownConditionTypeIsRejected() {
    assertRejected(
        rule(
            spec ->
                spec.put(
                    "conditions",
                    List.of(Map.of("type", "SubjectStartsWith", "values", List.of("x"))))),
        "spec.conditions[0].type",
        "Unsupported value: \"SubjectStartsWith\": supported values: \"BodyContains\"");
  }

  @Test
  void unknownActionTypeIsRejected() {
    assertRejected(
        rule(spec -> spec.put("actions", List.of(Map.of("type", "Delete")))),
        "spec.actions[0].type",
        "Unsupported value: \"Delete\"");
  }

  @Test
  void negativePriorityIsRejected() {
    assertRejected(
        rule(spec -> spec.put("priority", -1)),
        "spec.priority",
        "Invalid value: -1: spec.priority in body should be greater than or equal to 0");
  }

  @Test
  void conditionWithoutValuesIsRejectedExceptHasAttachments() {
    assertRejected(
        rule(spec -> spec.put("conditions", List.of(Map.of("type", "SubjectContains")))),
        "spec.conditions[0]",
        "values must list at least one entry, except for HasAttachments which takes none");
    assertRejected(
        rule(
            spec ->
                spec.put(
                    "exceptions", List.of(Map.of("type", "BodyMatches", "values", List.of())))),
        "spec.exceptions[0]",
        "values must list at least one entry, except for HasAttachments which takes none");
    assertThat(
            client
                .resource(
                    rule(spec -> spec.put("conditions", List.of(Map.of("type", "HasAttachments")))))
                .dryRun()
                .create())
        .isNotNull();
  }

  @Test
  void hasAttachmentsWithValuesIsRejected() {
    assertRejected(
        rule(
            spec ->
                spec.put(
                    "conditions",
                    List.of(Map.of("type", "HasAttachments", "values", List.of("pdf"))))),
        "spec.conditions[0]",
        "values must list at least one entry, except for HasAttachments which takes none");
  }

  @Test
  void actionsMissingTheirArgumentAreRejected() {
    assertRejected(
        rule(spec -> spec.put("actions", List.of(Map.of("type", "UseWebhook")))),
        "spec.actions[0]",
        "a UseWebhook action needs 'webhook'");
    assertRejected(
        rule(spec -> spec.put("actions", List.of(Map.of("type", "Tag")))),
        "spec.actions[0]",
        "a Tag action needs at least one entry in 'tags'");
    assertRejected(
        rule(spec -> spec.put("actions", List.of(Map.of("type", "Tag", "tags", List.of())))),
        "spec.actions[0]",
        "a Tag action needs at least one entry in 'tags'");
    assertRejected(
        rule(spec -> spec.put("actions", List.of(Map.of("type", "Assign")))),
        "spec.actions[0]",
        "an Assign action needs at least one entry in 'users'");
    assertRejected(
        rule(spec -> spec.put("actions", List.of(Map.of("type", "Forward")))),
        "spec.actions[0]",
        "a Forward action needs at least one entry in 'forwardTo'");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    KubernetesClientException e =
        rejection(
            rule(
                spec -> {
                  spec.put("match", "Sometimes");
                  spec.put("priority", -5);
                  spec.remove("mailbox");
                }));
    assertThat(e.getStatus().getDetails().getCauses())
        .extracting(StatusCause::getField)
        .contains("spec.match", "spec.priority", "spec.mailbox");
  }

  @Test
  @SuppressWarnings("unchecked")
  void defaultsAreFilledInByTheServer() {
    GenericKubernetesResource created =
        client
            .resource(
                rule(
                    spec -> {
                      spec.remove("priority");
                      spec.remove("match");
                    }))
            .dryRun()
            .create();
    assertThat((Map<String, Object>) created.get("spec"))
        .containsEntry("priority", 100)
        .containsEntry("match", "All")
        .containsEntry("enabled", true)
        .containsEntry("stopProcessing", false);
    GenericKubernetesResource webhook =
        client.resource(webhook(spec2 -> spec2.remove("timeoutSeconds"))).dryRun().create();
    assertThat((Map<String, Object>) webhook.get("spec"))
        .containsEntry("timeoutSeconds", 100)
        .containsEntry("includeMessageText", false)
        .containsEntry("includeCustomFields", false);
  }

  // ---- examples/ -----------------------------------------------------------------------------

  /**
   * Everything in examples/ applies cleanly (server-side apply, as `kubectl apply --server-side`).
   */
  @Test
  void examplesApplyCleanly() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(Paths.examplesDir())) {
      files =
          list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    }
    assertThat(files).isNotEmpty();
    List<String> applied = new ArrayList<>();
    for (Path file : files) {
      for (HasMetadata object : client.load(Files.newInputStream(file)).items()) {
        HasMetadata result =
            client.resource(object).fieldManager(E2eCluster.FIELD_MANAGER).serverSideApply();
        assertThat(result.getMetadata().getUid())
            .as(file.getFileName() + ": " + object.getKind())
            .isNotBlank();
        applied.add(object.getKind() + " " + object.getMetadata().getName());
      }
    }
    assertThat(applied)
        .contains(
            "Namespace emailgistics-admin",
            "Secret crm-webhook-token",
            "Webhook crm-enrichment",
            "Mailbox claims",
            "MailboxRule enrich-claims",
            "MailboxRule tag-partner-attachments");
    // stringData became data on the real server.
    assertThat(
            client
                .secrets()
                .inNamespace("emailgistics-admin")
                .withName("crm-webhook-token")
                .get()
                .getData())
        .containsKey("token");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static void assertRejected(
      GenericKubernetesResource object, String field, String message) {
    KubernetesClientException e = rejection(object);
    assertThat(e.getCode()).isEqualTo(422);
    // What kubectl prints: <Kind>.<group> "<name>" is invalid: <field>: <message>
    assertThat(e.getStatus().getMessage())
        .contains(object.getKind() + ".webhooks.emailgistics.com \"sample\" is invalid")
        .contains(field + ": ");
    assertThat(e.getStatus().getDetails().getCauses())
        .as("causes of: %s", e.getStatus().getMessage())
        .anySatisfy(
            cause -> {
              assertThat(cause.getField()).isEqualTo(field);
              assertThat(cause.getMessage()).contains(message);
            });
  }

  private static KubernetesClientException rejection(GenericKubernetesResource object) {
    try {
      client.resource(object).dryRun().create();
    } catch (KubernetesClientException e) {
      return e;
    }
    throw new AssertionError(
        "the API server accepted " + object.getKind() + " " + object.get("spec"));
  }

  private static GenericKubernetesResource webhook(Consumer<Map<String, Object>> edit) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("displayName", "CRM enrichment");
    spec.put("url", "https://integrations.example.com/hooks/emailgistics");
    spec.put("secretRef", Map.of("name", "crm-webhook-token", "key", "token"));
    spec.put("mailboxes", List.of(Map.of("namespace", "team-claims", "name", "claims")));
    spec.put("timeoutSeconds", 30);
    return object("Webhook", spec, edit);
  }

  private static GenericKubernetesResource mailbox(Consumer<Map<String, Object>> edit) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("address", "claims@insurer.example");
    spec.put("displayName", "Claims");
    spec.put("users", List.of(Map.of("displayName", "Joe Cool", "email", "joe@insurer.example")));
    return object("Mailbox", spec, edit);
  }

  private static GenericKubernetesResource rule(Consumer<Map<String, Object>> edit) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("mailbox", "claims");
    spec.put("priority", 10);
    spec.put("match", "Any");
    spec.put("conditions", List.of(Map.of("type", "SubjectContains", "values", List.of("claim"))));
    spec.put(
        "actions",
        List.of(
            Map.of(
                "type",
                "UseWebhook",
                "webhook",
                Map.of("namespace", "emailgistics-admin", "name", "crm-enrichment"))));
    return object("MailboxRule", spec, edit);
  }

  private static GenericKubernetesResource object(
      String kind, Map<String, Object> spec, Consumer<Map<String, Object>> edit) {
    edit.accept(spec);
    GenericKubernetesResource object = new GenericKubernetesResource();
    object.setApiVersion(API_VERSION);
    object.setKind(kind);
    object.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("sample")
            .withNamespace(namespace)
            .build());
    object.setAdditionalProperty("spec", spec);
    return object;
  }
}
