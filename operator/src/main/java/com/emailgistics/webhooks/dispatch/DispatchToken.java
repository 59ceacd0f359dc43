package com.emailgistics.webhooks.dispatch;

import com.emailgistics.webhooks.config.OperatorConfig;
import com.emailgistics.webhooks.config.StartupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The bearer token callers of the dispatch endpoint must present. It is read from a file (a mounted
 * Secret), looked at again at most once a second and re-read when it changed, so a rotated Secret
 * applies without a restart. The comparison takes a time that depends only on the presented token's
 * length, never on the expected token or on how much of it matched.
 */
public final class DispatchToken {
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Optional<Path> file;
  private volatile long checkedAtNanos = System.nanoTime() - 2 * RECHECK_NANOS;
  private volatile FileTime loadedAt;
  private volatile byte[] expected;

  public DispatchToken(Optional<Path> file) {
    this.file = file;
  }

  /** At start-up: a configured token file that cannot be read is a configuration error. */
  public void checkReadable() {
    if (file.isPresent() && current() == null) {
      throw new StartupException(
          "the dispatch token file "
              + file.get()
              + " does not exist, cannot be read or is empty ("
              + OperatorConfig.DISPATCH_TOKEN_FILE
              + ")");
    }
  }

  public boolean configured() {
    return current() != null;
  }

  /** Whether {@code authorization} (the raw header) carries the expected bearer token. */
  public boolean accepts(String authorization) {
    byte[] token = current();
    // MessageDigest.isEqual runs over its first argument whatever the second holds.
    return token != null
        && bearer(authorization)
            .map(presented -> MessageDigest.isEqual(utf8(presented), token))
            .orElse(false);
  }

  /** The token of an "Authorization: Bearer ..." header. */
  public static Optional<String> bearer(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return Optional.empty();
    }
    return Optional.of(authorization.substring("Bearer ".length()).trim())
        .filter(token -> !token.isEmpty());
  }

  private byte[] current() {
    if (file.isEmpty()) {
      return null;
    }
    long now = System.nanoTime();
    if (now - checkedAtNanos < RECHECK_NANOS) {
      return expected;
    }
    checkedAtNanos = now;
    try {
      FileTime modified = Files.getLastModifiedTime(file.get());
      if (!modified.equals(loadedAt)) {
        String token = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
        expected = token.isEmpty() ? null : utf8(token);
        loadedAt = modified;
      }
    } catch (IOException e) {
      expected = null;
      loadedAt = null;
    }
    return expected;
  }

  private static byte[] utf8(String token) {
    return token.getBytes(StandardCharsets.UTF_8);
  }
}
