package com.emailgistics.webhooks.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON settings for what crosses the data plane's wire. Everything an outside party sends
 * (messages, endpoint answers) is parsed with limits on nesting and on the length of names and
 * numbers (sizes are capped before parsing). In a posted message a duplicate key is an error, not a
 * silent overwrite; endpoint answers are read as leniently as the product reads them.
 */
public final class Json {
  /** Deeper documents are refused (the product's documents nest a few levels). */
  public static final int MAX_NESTING = 64;

  /** Longer object keys are refused. */
  public static final int MAX_NAME_LENGTH = 1024;

  private static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder()
          .maxNestingDepth(MAX_NESTING)
          .maxNameLength(MAX_NAME_LENGTH)
          .maxNumberLength(64)
          .build();

  /** For posted messages. */
  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(LIMITS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** For endpoint answers, which are kept as small trees (their actions). */
  public static final ObjectMapper ANSWERS =
      new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Writes the operator's own documents (dispatch answers) straight to a generator. */
  public static final ObjectMapper WRITER =
      new ObjectMapper(FACTORY)
          .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  public static JsonParser parser(byte[] bytes) throws IOException {
    return FACTORY.createParser(bytes);
  }

  /** Writes a document into a fresh buffer with {@code body}. */
  public static Buffer write(int sizeHint, Writer body) {
    BufferOutput out = new BufferOutput(sizeHint);
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      body.write(generator);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return out.buffer();
  }

  /** Writes one JSON document. */
  @FunctionalInterface
  public interface Writer {
    void write(JsonGenerator generator) throws IOException;
  }
}
