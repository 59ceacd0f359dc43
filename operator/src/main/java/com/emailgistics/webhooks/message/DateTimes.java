package com.emailgistics.webhooks.message;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** RFC 3339 date-times, the form the payload promises for {@code received} and {@code timestamp}. */
public final class DateTimes {
  /**
   * RFC 3339's {@code date-time} with upper-case 'T' and 'Z' (what every producer writes);
   * docs/schemas/webhook-payload.schema.json states the same pattern.
   */
  private static final Pattern RFC_3339 =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

  private DateTimes() {}

  /** Whether {@code text} is an RFC 3339 date-time naming a real instant (no 30 February). */
  public static boolean isRfc3339(String text) {
    if (!RFC_3339.matcher(text).matches()) {
      return false;
    }
    try {
      OffsetDateTime.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
