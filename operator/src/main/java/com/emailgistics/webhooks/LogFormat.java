package com.emailgistics.webhooks;

import java.util.Locale;

/** Chooses plain or JSON log lines (EMAILGISTICS_LOG_FORMAT) before logging starts. */
final class LogFormat {
  static final String VARIABLE = "EMAILGISTICS_LOG_FORMAT";

  private LogFormat() {}

  static void configureFromEnvironment() {
    String format = System.getenv().getOrDefault(VARIABLE, "plain").trim().toLowerCase(Locale.ROOT);
    if (!format.equals("plain") && !format.equals("json")) {
      throw new IllegalArgumentException(VARIABLE + " must be plain or json, not '" + format + "'");
    }
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-" + format + ".xml");
    }
  }
}
