package com.emailgistics.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The build's version, written into a resource by Maven; it names us in User-Agent headers. */
public final class OperatorVersion {
  private static final String VERSION = load();

  private OperatorVersion() {}

  public static String current() {
    return VERSION;
  }

  /** The product's header format: {@code Emailgistics/<version>}. */
  public static String userAgent() {
    return "Emailgistics/" + VERSION;
  }

  private static String load() {
    try (InputStream in =
        OperatorVersion.class.getResourceAsStream("/emailgistics-operator.properties")) {
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
