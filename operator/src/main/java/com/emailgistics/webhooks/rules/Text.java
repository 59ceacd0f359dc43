package com.emailgistics.webhooks.rules;

/** Case-insensitive text helpers that follow Unicode case folding without allocating copies. */
final class Text {
  private Text() {}

  static boolean containsIgnoreCase(String text, String value) {
    if (text == null) {
      return false;
    }
    int last = text.length() - value.length();
    for (int i = 0; i <= last; i++) {
      if (text.regionMatches(true, i, value, 0, value.length())) {
        return true;
      }
    }
    return false;
  }
}
