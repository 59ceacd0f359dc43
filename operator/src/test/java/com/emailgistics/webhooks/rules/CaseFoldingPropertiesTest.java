package com.emailgistics.webhooks.rules;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Folding a text and a value once and searching with {@link String#contains} finds exactly what a
 * case-insensitive {@link String#regionMatches} at every position finds, for texts mixing ASCII,
 * Latin-1, Greek, Cyrillic, Turkish dotted and dotless i, the Kelvin and long-s signs and
 * supplementary letters with case (Deseret).
 */
class CaseFoldingPropertiesTest {
  private static final String LETTERS =
      "aAbBzZ \u00df\u00e4\u00c4\u00ff\u0178\u00b5\u039c\u03bc\u03a3\u03c3\u03c2\u0130\u0131iI"
          + "\u212ak\u017fsS\u0416\u0436\u01c5\u01c4\u01c6";
  private static final String[] SUPPLEMENTARY = {"\uD801\uDC00", "\uD801\uDC28", "\uD83D\uDE00"};

  @Property(tries = 2000)
  void foldedContainsFindsWhatRegionMatchesFinds(
      @ForAll("texts") String text, @ForAll("needles") String needle) {
    assertThat(Text.fold(text).contains(Text.fold(needle)))
        .as("%s in %s", needle, text)
        .isEqualTo(regionMatchesSomewhere(text, needle));
  }

  @Property(tries = 500)
  void foldingKeepsTheLengthAndIsIdempotent(@ForAll("texts") String text) {
    String folded = Text.fold(text);
    assertThat(folded).hasSameSizeAs(text);
    assertThat(Text.fold(folded)).isEqualTo(folded);
  }

  @Provide
  Arbitrary<String> texts() {
    return words(0, 12);
  }

  @Provide
  Arbitrary<String> needles() {
    return words(1, 3);
  }

  private static Arbitrary<String> words(int min, int max) {
    Arbitrary<String> letter =
        Arbitraries.oneOf(
            Arbitraries.of(LETTERS.chars().mapToObj(c -> String.valueOf((char) c)).toList()),
            Arbitraries.of(SUPPLEMENTARY));
    return letter.list().ofMinSize(min).ofMaxSize(max).map(parts -> String.join("", parts));
  }

  /** The definition the rules followed before folding: a case-insensitive match at any index. */
  private static boolean regionMatchesSomewhere(String text, String needle) {
    for (int i = 0; i <= text.length() - needle.length(); i++) {
      if (text.regionMatches(true, i, needle, 0, needle.length())) {
        return true;
      }
    }
    return false;
  }
}
