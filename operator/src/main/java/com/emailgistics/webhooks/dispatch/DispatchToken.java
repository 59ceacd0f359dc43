package com.emailgistics.webhooks.dispatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The bearer token callers of the dispatch endpoint must present. It is read from a file (a
 * mounted Secret), re-read when the file changes so a rotated Secret applies without a restart,
 * and compared in constant time.
 */
public final class DispatchToken {
  private final Optional<Path> file;
  private volatile FileTime loadedAt;
  private volatile byte[] expectedDigest;

  public DispatchToken(Optional<Path> file) {
    this.file = file;
  }

  public boolean configured() {
    return file.isPresent() && current() != null;
  }

  /** Whether {@code authorization} (the raw header) carries the expected bearer token. */
  public boolean accepts(String authorization) {
    byte[] expected = current();
    if (expected == null || authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(expected, digest(authorization.substring("Bearer ".length()).trim()));
  }

  private byte[] current() {
    if (file.isEmpty()) {
      return null;
    }
    try {
      FileTime modified = Files.getLastModifiedTime(file.get());
      if (!modified.equals(loadedAt)) {
        String token = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
        expectedDigest = token.isEmpty() ? null : digest(token);
        loadedAt = modified;
      }
      return expectedDigest;
    } catch (IOException e) {
      return null;
    }
  }

  /** Digests make the comparison constant-time whatever the lengths. */
  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
