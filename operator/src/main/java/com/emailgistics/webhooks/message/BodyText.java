package com.emailgistics.webhooks.message;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The message text as delivered in {@code bodyText} (spec 4.4): plain text, HTML converted, cut to
 * {@link #MAX_CHARS}. The spec's own cap is cut off in its source (gap G3); this one is documented
 * in docs/design-decisions.md.
 */
public final class BodyText {
  /**
   * Longer text is cut here (never inside a surrogate pair); rules and payloads see the same text.
   */
  public static final int MAX_CHARS = 65_536;

  private BodyText() {}

  /** {@code text} cut to {@link #MAX_CHARS}. */
  public static String capped(String text) {
    if (text.length() <= MAX_CHARS) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
    return text.substring(0, end);
  }

  /**
   * The plain text a reader sees in {@code html}: the body's text with runs of whitespace
   * collapsed, a line break for each {@code <br>} and around each block (paragraphs, list items,
   * table rows, headings); scripts, styles and the head are left out. Capped like any body text.
   */
  public static String fromHtml(String html) {
    PlainText text = new PlainText();
    NodeTraversor.traverse(text, Jsoup.parse(html).body());
    return capped(text.toString());
  }

  /** Walks the tree (iteratively, so deep nesting cannot overflow the stack). */
  private static final class PlainText implements NodeVisitor {
    private final StringBuilder out = new StringBuilder();

    @Override
    public void head(Node node, int depth) {
      if (out.length() > MAX_CHARS) {
        return;
      }
      if (node instanceof TextNode text) {
        appendCollapsed(text.getWholeText());
      } else if (node instanceof Element element) {
        if (element.nameIs("br")) {
          out.append('\n');
        } else if (element.isBlock()) {
          lineBreak();
        }
      }
    }

    @Override
    public void tail(Node node, int depth) {
      if (node instanceof Element element && element.isBlock() && !element.nameIs("br")) {
        lineBreak();
      }
    }

    private void appendCollapsed(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.isWhitespace(c) || c == '\u00a0') {
          if (!out.isEmpty() && !endsWithSpace()) {
            out.append(' ');
          }
        } else {
          out.append(c);
        }
      }
    }

    private boolean endsWithSpace() {
      char last = out.charAt(out.length() - 1);
      return last == ' ' || last == '\n';
    }

    private void lineBreak() {
      while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
        out.setLength(out.length() - 1);
      }
      if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
    }

    @Override
    public String toString() {
      return out.toString().strip();
    }
  }
}
