package com.emailgistics.webhooks.rules;

/**
 * Case-insensitive text comparison as {@link String#regionMatches(boolean, int, String, int, int)}
 * does it: two characters are alike when their lower-cased upper-case forms are equal. Folding both
 * sides once to that form turns every case-insensitive search into a plain {@link String#contains},
 * so a message's body is folded once however many rules search it.
 */
final class Text {
  private Text() {}

  /**
   * {@code text} with every code point replaced by its lower-cased upper-case form; the same
   * instance when nothing changes. A code point whose folded form would take another number of
   * chars is kept as it is, so positions stay aligned.
   */
  static String fold(String text) {
    int length = text.length();
    int unchanged = 0;
    while (unchanged < length) {
      char c = text.charAt(unchanged);
      if (Character.isSurrogate(c) || fold((int) c) != c) {
        break;
      }
      unchanged++;
    }
    if (unchanged == length) {
      return text;
    }
    StringBuilder folded = new StringBuilder(length).append(text, 0, unchanged);
    for (int i = unchanged; i < length; ) {
      int codePoint = text.codePointAt(i);
      int foldedPoint = fold(codePoint);
      folded.appendCodePoint(
          Character.charCount(foldedPoint) == Character.charCount(codePoint)
              ? foldedPoint
              : codePoint);
      i += Character.charCount(codePoint);
    }
    return folded.toString();
  }

  private static int fold(int codePoint) {
    return Character.toLowerCase(Character.toUpperCase(codePoint));
  }
}
