package com.emailgistics.webhooks.message;

import java.time.Month;
import java.time.Year;

/**
 * RFC 3339 date-times, the form the payload promises for {@code received} and {@code timestamp}:
 * {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|+HH:mm|-HH:mm)} with upper-case 'T' and 'Z' (what every
 * producer writes; docs/schemas/webhook-payload.schema.json states the same pattern). Checked by
 * position rather than with a parser: every dispatched message carries two of them.
 */
public final class DateTimes {
  private DateTimes() {}

  /** Whether {@code text} is such a date-time naming a real instant (no 30 February, no 24:00). */
  public static boolean isRfc3339(String text) {
    int length = text.length();
    if (length < 20 || !layout(text, "dddd-dd-ddTdd:dd:dd", 0)) {
      return false;
    }
    int offsetStart = 19;
    if (text.charAt(19) == '.') {
      offsetStart = 20;
      while (offsetStart < length && isDigit(text.charAt(offsetStart))) {
        offsetStart++;
      }
      if (offsetStart == 20 || offsetStart - 20 > 9) {
        return false;
      }
    }
    boolean zulu = offsetStart == length - 1 && text.charAt(offsetStart) == 'Z';
    boolean numeric =
        offsetStart == length - 6
            && (text.charAt(offsetStart) == '+' || text.charAt(offsetStart) == '-')
            && layout(text, "dd:dd", offsetStart + 1);
    if (!zulu && !numeric) {
      return false;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 7);
    int day = number(text, 8, 10);
    return month >= 1
        && month <= 12
        && day >= 1
        && day <= Month.of(month).length(Year.isLeap(year))
        && number(text, 11, 13) <= 23
        && number(text, 14, 16) <= 59
        && number(text, 17, 19) <= 59
        && (zulu
            || number(text, offsetStart + 1, offsetStart + 3) <= 18
                && number(text, offsetStart + 4, offsetStart + 6) <= 59);
  }

  /**
   * Whether {@code text} from {@code start} has {@code pattern}'s shape ('d' a digit, else that
   * character).
   */
  private static boolean layout(String text, String pattern, int start) {
    if (text.length() < start + pattern.length()) {
      return false;
    }
    for (int i = 0; i < pattern.length(); i++) {
      char expected = pattern.charAt(i);
      char actual = text.charAt(start + i);
      if (expected == 'd' ? !isDigit(actual) : actual != expected) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int number(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      value = value * 10 + (text.charAt(i) - '0');
    }
    return value;
  }
}
