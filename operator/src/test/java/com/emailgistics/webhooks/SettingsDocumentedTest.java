package com.emailgistics.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.config.OperatorConfig;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator's settings are named once, as constants of OperatorConfig (and LogFormat); the
 * README's configuration table and the chart's Deployment are checked against them, so a setting
 * cannot be added, renamed or dropped in one place only.
 */
class SettingsDocumentedTest {
  private static final Pattern VARIABLE = Pattern.compile("EMAILGISTICS_[A-Z0-9_]+");

  @Test
  void readmeTableListsExactlyTheSettingsTheOperatorReads() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    String table = readme.substring(readme.indexOf("## Configuration"));
    table = table.substring(0, table.indexOf("\n## ", 1));
    Set<String> documented =
        table
            .lines()
            .filter(line -> line.startsWith("| `EMAILGISTICS_"))
            .flatMap(line -> VARIABLE.matcher(line.split("\\|")[1]).results())
            .map(MatchResult::group)
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(documented).isEqualTo(settings());
  }

  @Test
  void chartSetsOnlySettingsTheOperatorReads() throws IOException {
    String deployment =
        Files.readString(Path.of("../helm/emailgistics-operator/templates/30-deployment.yaml"));
    Set<String> set =
        VARIABLE
            .matcher(deployment)
            .results()
            .map(MatchResult::group)
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(set).hasSizeGreaterThan(10);
    assertThat(settings()).containsAll(set);
  }

  private static Set<String> settings() {
    return Stream.concat(
            Stream.of(OperatorConfig.class.getDeclaredFields()),
            Stream.of(LogFormat.class.getDeclaredFields()))
        .filter(field -> Modifier.isStatic(field.getModifiers()))
        .filter(field -> field.getType() == String.class)
        .map(SettingsDocumentedTest::value)
        .filter(value -> VARIABLE.matcher(value).matches())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String value(Field field) {
    try {
      field.setAccessible(true);
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
