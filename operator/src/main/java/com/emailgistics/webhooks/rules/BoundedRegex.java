package com.emailgistics.webhooks.rules;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Regular expressions from tenants applied to text from anyone (a mail body) with bounded cost: at
 * most {@link #MAX_CHARS} characters are searched, the engine may read characters at most {@link
 * #STEP_BUDGET} times in all, and a pattern that recurses too deep for the stack (such as {@code
 * (.|\s)*} on a long text) is stopped too. Whatever is stopped is {@link Match#TOO_COSTLY}.
 */
public final class BoundedRegex {
  /** Character reads one evaluation may make (catastrophic backtracking needs far more). */
  public static final int STEP_BUDGET = 1_000_000;

  /** Longer texts are searched in their first {@code MAX_CHARS} characters only. */
  public static final int MAX_CHARS = 65_536;

  /** The outcome of one bounded evaluation. */
  public enum Match {
    YES,
    NO,
    TOO_COSTLY
  }

  private BoundedRegex() {}

  /**
   * Whether {@code pattern} is found in (the first {@link #MAX_CHARS} characters of) {@code text}.
   */
  public static Match find(Pattern pattern, String text) {
    return run(pattern, text, false);
  }

  /**
   * Whether {@code pattern} matches the whole of {@code text}; {@link Match#TOO_COSTLY} for a text
   * longer than {@link #MAX_CHARS} (a match of its prefix says nothing about the whole).
   */
  public static Match matches(Pattern pattern, String text) {
    return text.length() > MAX_CHARS ? Match.TOO_COSTLY : run(pattern, text, true);
  }

  private static Match run(Pattern pattern, String text, boolean whole) {
    BudgetedChars chars = new BudgetedChars(text, Math.min(text.length(), MAX_CHARS));
    try {
      Matcher matcher = pattern.matcher(chars);
      return (whole ? matcher.matches() : matcher.find()) ? Match.YES : Match.NO;
    } catch (BudgetExceeded | StackOverflowError e) {
      return Match.TOO_COSTLY;
    }
  }

  private static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetExceeded() {
      super(null, null, false, false);
    }
  }

  /** A prefix of a string whose characters may be read only {@link #STEP_BUDGET} times in all. */
  private static final class BudgetedChars implements CharSequence {
    private final String text;
    private final int length;
    private int budget = STEP_BUDGET;

    BudgetedChars(String text, int length) {
      this.text = text;
      this.length = length;
    }

    @Override
    public char charAt(int index) {
      if (--budget < 0) {
        throw new BudgetExceeded();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text.substring(0, length);
    }
  }
}
