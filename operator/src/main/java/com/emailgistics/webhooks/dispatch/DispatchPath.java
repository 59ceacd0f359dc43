package com.emailgistics.webhooks.dispatch;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The dispatch endpoint's resource paths: {@code /v1/mailboxes/{address}/messages}, {@code
 * /v1/rules/{namespace}/{name}/messages} and {@code /v1/webhooks/{namespace}/{name}/deliveries},
 * with their segments decoded.
 */
record DispatchPath(Kind kind, String address, String namespace, String name) {
  enum Kind {
    MAILBOX,
    RULE,
    HISTORY
  }

  /** Parses a raw (still percent-encoded) path; 404 for anything else, 400 for a bad escape. */
  static DispatchPath parse(String rawPath) throws DispatchException {
    String[] parts = rawPath.split("/", -1);
    if (parts.length >= 5 && parts[0].isEmpty() && parts[1].equals("v1") && allNonEmpty(parts)) {
      if (parts.length == 5 && parts[2].equals("mailboxes") && parts[4].equals("messages")) {
        return new DispatchPath(Kind.MAILBOX, decode(parts[3]), null, null);
      }
      if (parts.length == 6 && parts[2].equals("rules") && parts[5].equals("messages")) {
        return new DispatchPath(Kind.RULE, null, decode(parts[3]), decode(parts[4]));
      }
      if (parts.length == 6 && parts[2].equals("webhooks") && parts[5].equals("deliveries")) {
        return new DispatchPath(Kind.HISTORY, null, decode(parts[3]), decode(parts[4]));
      }
    }
    throw new DispatchException(404, "no such endpoint: " + rawPath + " (see /openapi.yaml)");
  }

  /** Decodes a path segment; unlike a query string, '+' stays '+' (user+tag@example.com). */
  static String decode(String segment) throws DispatchException {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new DispatchException(
          400, "malformed percent-escape in the path segment '" + segment + "'");
    }
  }

  private static boolean allNonEmpty(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].isEmpty()) {
        return false;
      }
    }
    return true;
  }
}
