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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed under crds/ must be exactly what the generator makes from the Java classes.
 * After changing the API classes run scripts/update-crds.sh and commit the result.
 */
class CrdDriftTest {
  private static final Path GENERATED = Path.of(System.getProperty("crds.generated.dir"));
  private static final Path COMMITTED = Path.of(System.getProperty("crds.committed.dir"));

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    List<Path> generated = yamlFiles(GENERATED);
    assertThat(generated)
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder(
            "mailboxes.webhooks.emailgistics.com-v1.yml",
            "mailboxrules.webhooks.emailgistics.com-v1.yml",
            "webhooks.webhooks.emailgistics.com-v1.yml");
    assertThat(yamlFiles(COMMITTED))
        .extracting(p -> p.getFileName().toString())
        .as("files under crds/")
        .containsExactlyInAnyOrderElementsOf(
            generated.stream().map(p -> p.getFileName().toString()).toList());
    for (Path file : generated) {
      assertThat(Files.readString(COMMITTED.resolve(file.getFileName())))
          .as("crds/%s is out of date: run scripts/update-crds.sh", file.getFileName())
          .isEqualTo(Files.readString(file));
    }
  }

  /** `kubectl explain` must document every field. */
  @Test
  void everyFieldHasADescription() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<String> undocumented = new ArrayList<>();
    for (Path file : yamlFiles(GENERATED)) {
      JsonNode schema = yaml.readTree(file.toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
      collectUndocumented(file.getFileName() + ":", schema, undocumented);
    }
    assertThat(undocumented).isEmpty();
  }

  private static void collectUndocumented(String path, JsonNode schema, List<String> undocumented) {
    schema
        .path("properties")
        .properties()
        .forEach(
            property -> {
              String child = path + "." + property.getKey();
              if (!property.getValue().hasNonNull("description")) {
                undocumented.add(child);
              }
              collectUndocumented(child, property.getValue(), undocumented);
            });
    if (schema.has("items")) {
      collectUndocumented(path + "[]", schema.get("items"), undocumented);
    }
  }

  private static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
  }
}
