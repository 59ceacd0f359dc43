package com.emailgistics.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each resource's reference page under docs/api/v1alpha1/ documents every field of its CRD, written
 * as `spec.mailboxes[].namespace`: a field added to the Java classes without a word in the user
 * docs fails the build.
 */
class ApiDocsTest {
  private static final Path COMMITTED = Path.of(System.getProperty("crds.committed.dir"));
  private static final Path DOCS = COMMITTED.resolve("../docs/api/v1alpha1").normalize();

  @Test
  void everyFieldOfEveryCrdAppearsInItsReferencePage() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Map<String, String> pages =
        Map.of(
            "webhooks.webhooks.emailgistics.com-v1.yml", "webhook.md",
            "mailboxes.webhooks.emailgistics.com-v1.yml", "mailbox.md",
            "mailboxrules.webhooks.emailgistics.com-v1.yml", "mailboxrule.md");
    for (Map.Entry<String, String> crd : pages.entrySet()) {
      JsonNode schema =
          yaml.readTree(COMMITTED.resolve(crd.getKey()).toFile())
              .at("/spec/versions/0/schema/openAPIV3Schema");
      List<String> fields = new ArrayList<>();
      collectFields("", schema, fields);
      String page = Files.readString(DOCS.resolve(crd.getValue()));

      assertThat(fields).as(crd.getKey()).contains("spec", "status");
      assertThat(fields)
          .as("fields of %s missing from docs/api/v1alpha1/%s", crd.getKey(), crd.getValue())
          .allSatisfy(field -> assertThat(page).contains("`" + field + "`"));
    }
  }

  /**
   * spec, spec.url, spec.mailboxes, spec.mailboxes[].name...; metadata and the type fields left
   * out.
   */
  private static void collectFields(String prefix, JsonNode schema, List<String> fields) {
    schema
        .path("properties")
        .properties()
        .forEach(
            property -> {
              String name = property.getKey();
              if (prefix.isEmpty() && List.of("apiVersion", "kind", "metadata").contains(name)) {
                return;
              }
              String path = prefix + name;
              fields.add(path);
              JsonNode field = property.getValue();
              collectFields(path + ".", field, fields);
              collectFields(path + "[].", field.path("items"), fields);
            });
  }
}
