package com.emailgistics.webhooks.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** The chart under test, rendered and linted with the real Helm library (helm-java). */
final class HelmChart {
  /** helm/emailgistics-operator in the repository (set by the surefire configuration). */
  static final Path DIR =
      Path.of(System.getProperty("chart.dir", "../helm/emailgistics-operator"))
          .toAbsolutePath()
          .normalize();

  static final String RELEASE = "emailgistics-operator";
  static final String NAMESPACE = "emailgistics-system";

  /** The webhook namespace of values-required.yaml, the value the chart cannot default. */
  static final String WEBHOOK_NAMESPACE = "emailgistics-admin";

  private static final String REQUIRED_VALUES = "values-required.yaml";

  /** The release name contains the chart name, so it is also the prefix of every object name. */
  static final String FULLNAME = "emailgistics-operator";

  private static final Path WORK =
      Path.of(System.getProperty("chart.work.dir", "target/chart-work"))
          .toAbsolutePath()
          .normalize();
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /**
   * What the chart's `lookup` sees. Surefire sets KUBECONFIG to chart.kubeconfig; the server is
   * started and the file written before the first render.
   */
  static final FakeApiServer API_SERVER = startApiServer();

  private static FakeApiServer startApiServer() {
    Path kubeconfig =
        Path.of(System.getProperty("chart.kubeconfig", "target/chart-work/kubeconfig"))
            .toAbsolutePath()
            .normalize();
    String fromEnvironment = System.getenv("KUBECONFIG");
    if (fromEnvironment == null
        || !Path.of(fromEnvironment).toAbsolutePath().normalize().equals(kubeconfig)) {
      throw new IllegalStateException(
          "KUBECONFIG must be "
              + kubeconfig
              + " (surefire sets it; run the tests"
              + " through Maven) so that the chart's lookup reaches the tests' fake API server, never a real cluster;"
              + " it is "
              + fromEnvironment);
    }
    return FakeApiServer.startWithKubeconfig(kubeconfig);
  }

  private HelmChart() {}

  /**
   * `helm template emailgistics-operator helm/emailgistics-operator -n emailgistics-system`, on a
   * copy of the chart without its kubeVersion constraint. helm-java 0.0.15 renders for the built-in
   * default Kubernetes v1.20.0 and has no --kube-version option, so Helm would refuse the real
   * chart (">=1.28.0-0") before rendering anything; ChartLintAndMetadataTest checks the constraint
   * itself. Everything else in the copy is byte-for-byte the chart.
   */
  static TemplateCommand template() {
    return templateWithoutRequiredValues().withValuesFile(resource(REQUIRED_VALUES));
  }

  /** template() without values-required.yaml, as a user who forgot webhookNamespaces runs it. */
  static TemplateCommand templateWithoutRequiredValues() {
    return new Helm(renderableCopy()).template().withName(RELEASE).withNamespace(NAMESPACE);
  }

  /**
   * The output of a client-only `helm install --dry-run` (on the same copy as template()): the
   * release summary followed by the rendered NOTES.txt, which `helm template` does not show.
   */
  static String installOutput(UnaryOperator<InstallCommand> options) {
    InstallCommand install =
        new Helm(renderableCopy())
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .dryRun()
            .clientOnly()
            .withValuesFile(resource(REQUIRED_VALUES));
    return options.apply(install).call().getOutput();
  }

  /** `helm template` of the chart exactly as committed. */
  static TemplateCommand templateUnmodified() {
    return new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
  }

  private static Path renderableCopy;

  private static synchronized Path renderableCopy() {
    if (renderableCopy == null) {
      Path copy = copy("renderable");
      try {
        Path chartYaml = copy.resolve("Chart.yaml");
        List<String> lines = Files.readAllLines(chartYaml);
        List<String> kept =
            lines.stream().filter(line -> !line.startsWith("kubeVersion:")).toList();
        if (kept.size() != lines.size() - 1) {
          throw new IllegalStateException("expected exactly one kubeVersion line in " + chartYaml);
        }
        Files.write(chartYaml, kept);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      renderableCopy = copy;
    }
    return renderableCopy;
  }

  static Rendered render(UnaryOperator<TemplateCommand> options) {
    return Rendered.parse(options.apply(template()).call());
  }

  static Rendered renderDefaults() {
    return render(UnaryOperator.identity());
  }

  static Rendered render(String valuesResource) {
    return render(t -> t.withValuesFile(resource(valuesResource)));
  }

  static LintResult lintStrict(Path chartDir) {
    return new Helm(chartDir).lint().strict().call();
  }

  static Path resource(String name) {
    try {
      return Path.of(HelmChart.class.getResource("/" + name).toURI());
    } catch (Exception e) {
      throw new IllegalStateException("test resource " + name + " missing", e);
    }
  }

  /**
   * A copy of the chart under target/ whose values.yaml is the chart's own deep-merged with the
   * given overrides (lint has no --values option). The directory keeps the chart's name, as lint
   * requires.
   */
  static Path copyWithValues(String copyName, Map<String, Object> overrides) {
    Path target = copy(copyName);
    try {
      Map<String, Object> values =
          deepMerge(
              yamlMap(Files.readString(DIR.resolve("values.yaml"))),
              yamlMap(Files.readString(resource(REQUIRED_VALUES))));
      Files.writeString(
          target.resolve("values.yaml"), SERIALIZATION.asYaml(deepMerge(values, overrides)));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh copy of the chart at target/chart-work/NAME/emailgistics-operator. */
  private static Path copy(String copyName) {
    Path target = WORK.resolve(copyName).resolve(DIR.getFileName());
    try {
      deleteRecursively(target);
      try (Stream<Path> files = Files.walk(DIR)) {
        for (Path source : (Iterable<Path>) files::iterator) {
          Path destination = target.resolve(DIR.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(destination);
          } else {
            Files.copy(source, destination);
          }
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yamlMap(String yaml) {
    return SERIALIZATION.unmarshal(yaml, Map.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepMerge(
      Map<String, Object> base, Map<String, Object> overrides) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    overrides.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> map && merged.get(key) instanceof Map<?, ?> existing) {
            merged.put(key, deepMerge((Map<String, Object>) existing, (Map<String, Object>) map));
          } else {
            merged.put(key, value);
          }
        });
    return merged;
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
