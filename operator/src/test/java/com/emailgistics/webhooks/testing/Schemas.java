package com.emailgistics.webhooks.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON Schemas of docs/schemas, loaded from the files users read (tests run in a module
 * directory beside docs/), so that a test can only pass with documents those files allow.
 */
public enum Schemas {
  WEBHOOK_PAYLOAD("webhook-payload.schema.json"),
  WEBHOOK_RESPONSE("webhook-response.schema.json"),
  DISPATCH_REQUEST("dispatch-request.schema.json"),
  DISPATCH_ANSWER("dispatch-answer.schema.json");

  private static final Path DIRECTORY =
      Path.of("..", "docs", "schemas").toAbsolutePath().normalize();
  private static final String BASE = DIRECTORY.toUri().toString();

  /**
   * Checks formats (date-time) as a strict receiver would, and resolves the schemas' relative
   * references to the files beside them (the validator reads no files itself).
   */
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder
                  .schemaRegistryConfig(
                      SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                  .schemas(
                      iri ->
                          iri.startsWith(BASE)
                              ? read(DIRECTORY.resolve(iri.substring(BASE.length())))
                              : null));

  private final String file;
  private volatile Schema schema;

  Schemas(String file) {
    this.file = file;
  }

  /** What is wrong with {@code json} against this schema; empty when it is valid. */
  public List<String> problems(String json) {
    return schema().validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
  }

  public String file() {
    return "docs/schemas/" + file;
  }

  private Schema schema() {
    Schema loaded = schema;
    if (loaded == null) {
      loaded = REGISTRY.getSchema(SchemaLocation.of(BASE + file));
      loaded.initializeValidators();
      schema = loaded;
    }
    return loaded;
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no schema at " + path + " (tests run from a module directory of the project)", e);
    }
  }
}
