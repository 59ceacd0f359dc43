package com.emailgistics.webhooks.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Project locations, passed by the module's surefire configuration (see e2e/pom.xml). */
public final class Paths {
  private Paths() {}

  public static Path workDir() {
    return path("e2e.work.dir", "target/e2e");
  }

  public static Path crdsDir() {
    return existing("e2e.crds.dir", "../crds");
  }

  public static Path examplesDir() {
    return existing("e2e.examples.dir", "../examples");
  }

  /** The Helm chart; may not exist (yet). */
  public static Path chartDir() {
    return path("e2e.chart.dir", "../helm/emailgistics-operator");
  }

  /** The runnable operator jar built by the operator module's package phase. */
  public static Path operatorJar() {
    Path jar = path("e2e.operator.jar", "../operator/target/emailgistics-webhooks-operator.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: build it with the operator module"
              + " (mvn -B -pl e2e -am verify, or mvn -B verify from the root)");
    }
    return jar;
  }

  private static Path existing(String property, String fallback) {
    Path path = path(property, fallback);
    if (!Files.isDirectory(path)) {
      throw new IllegalStateException(path + " (" + property + ") does not exist");
    }
    return path;
  }

  private static Path path(String property, String fallback) {
    return Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
  }
}
