package com.emailgistics.webhooks.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Line charts written as PNG with the JDK's own 2D graphics (headless): the benchmark's figures as
 * people look at them. Points are placed at evenly spaced categories on the x axis; the y axis is
 * linear from zero or logarithmic.
 */
final class Plot {
  /** One line: its name, colour and a value per category. */
  record Series(String name, Color color, double[] values) {}

  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;
  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;

  private Plot() {}

  static void write(
      Path file,
      String title,
      String xLabel,
      String yLabel,
      List<String> categories,
      List<Series> series,
      boolean logarithmic)
      throws IOException {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    double max =
        series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.values())).max().orElse(1);
    double min =
        series.stream()
            .flatMapToDouble(s -> java.util.Arrays.stream(s.values()))
            .filter(v -> v > 0)
            .min()
            .orElse(1);
    double low = logarithmic ? Math.pow(10, Math.floor(Math.log10(min))) : 0;
    double high = logarithmic ? Math.pow(10, Math.ceil(Math.log10(max))) : niceCeiling(max);
    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    // Horizontal grid lines and y labels.
    List<Double> ticks = new java.util.ArrayList<>();
    if (logarithmic) {
      for (double v = low; v <= high * 1.0001; v *= 10) {
        ticks.add(v);
      }
    } else {
      for (int i = 0; i <= 5; i++) {
        ticks.add(high * i / 5);
      }
    }
    for (double tick : ticks) {
      int y =
          TOP + plotHeight - (int) Math.round(fraction(tick, low, high, logarithmic) * plotHeight);
      g.setColor(new Color(225, 225, 225));
      g.drawLine(LEFT, y, LEFT + plotWidth, y);
      g.setColor(Color.DARK_GRAY);
      String label =
          tick >= 100 || tick == Math.rint(tick)
              ? String.format(Locale.ROOT, "%,.0f", tick)
              : String.format(Locale.ROOT, "%.2g", tick);
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    // X categories.
    for (int i = 0; i < categories.size(); i++) {
      int x = x(i, categories.size(), plotWidth);
      g.setColor(new Color(235, 235, 235));
      g.drawLine(x, TOP, x, TOP + plotHeight);
      g.setColor(Color.DARK_GRAY);
      g.drawString(
          categories.get(i),
          x - g.getFontMetrics().stringWidth(categories.get(i)) / 2,
          TOP + plotHeight + 18);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotWidth, plotHeight);
    g.drawString(
        xLabel, LEFT + plotWidth / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, HEIGHT - 25);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString(
        yLabel, -(TOP + plotHeight / 2 + g.getFontMetrics().stringWidth(yLabel) / 2), 20);
    rotated.dispose();
    // Lines, points and the legend.
    g.setStroke(new BasicStroke(2.5f));
    int legendX = LEFT + 15;
    for (Series line : series) {
      g.setColor(line.color());
      int previousX = -1;
      int previousY = -1;
      for (int i = 0; i < line.values().length; i++) {
        if (line.values()[i] <= 0 && logarithmic) {
          continue;
        }
        int x = x(i, categories.size(), plotWidth);
        int y =
            TOP
                + plotHeight
                - (int) Math.round(fraction(line.values()[i], low, high, logarithmic) * plotHeight);
        g.fillOval(x - 4, y - 4, 8, 8);
        if (previousX >= 0) {
          g.drawLine(previousX, previousY, x, y);
        }
        previousX = x;
        previousY = y;
      }
      g.fillRect(legendX, TOP + 12, 18, 4);
      g.setColor(Color.BLACK);
      g.drawString(line.name(), legendX + 24, TOP + 18);
      legendX += 34 + g.getFontMetrics().stringWidth(line.name());
    }
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static int x(int index, int count, int plotWidth) {
    return LEFT + (int) Math.round((index + 0.5) * plotWidth / count);
  }

  private static double fraction(double value, double low, double high, boolean logarithmic) {
    if (logarithmic) {
      return (Math.log10(Math.max(value, low)) - Math.log10(low))
          / (Math.log10(high) - Math.log10(low));
    }
    return (value - low) / (high - low);
  }

  private static double niceCeiling(double value) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }
}
