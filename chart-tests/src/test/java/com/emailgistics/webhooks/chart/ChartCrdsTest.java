package com.emailgistics.webhooks.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's crds/ are exact copies of the committed, generated CRDs, and the RBAC matches them.
 */
class ChartCrdsTest {
  private static final Path CHART_CRDS = HelmChart.DIR.resolve("crds");
  private static final Path COMMITTED_CRDS =
      Path.of(System.getProperty("crds.committed.dir", "../crds")).toAbsolutePath().normalize();

  @Test
  void chartCrdsAreExactCopiesOfTheCommittedOnes() throws IOException {
    List<String> committed = fileNames(COMMITTED_CRDS);
    assertThat(committed).hasSize(3);
    assertThat(fileNames(CHART_CRDS)).containsExactlyElementsOf(committed);
    for (String name : committed) {
      assertThat(Files.readString(CHART_CRDS.resolve(name)))
          .as(
              "helm/emailgistics-operator/crds/%s differs from crds/%s: run scripts/update-crds.sh",
              name, name)
          .isEqualTo(Files.readString(COMMITTED_CRDS.resolve(name)));
    }
  }

  @Test
  void chartCrdsDefineTheThreeNamespacedKindsWithAStatusSubresource() throws IOException {
    List<CustomResourceDefinition> crds = chartCrds();

    assertThat(crds)
        .extracting(crd -> crd.getSpec().getNames().getKind())
        .containsExactlyInAnyOrder("Webhook", "Mailbox", "MailboxRule");
    assertThat(crds)
        .allSatisfy(
            crd -> {
              assertThat(crd.getSpec().getGroup()).isEqualTo(Rbac.GROUP);
              assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
              assertThat(crd.getSpec().getVersions())
                  .extracting(CustomResourceDefinitionVersion::getName)
                  .contains("v1alpha1");
              assertThat(crd.getSpec().getVersions())
                  .allSatisfy(
                      version -> assertThat(version.getSubresources().getStatus()).isNotNull());
            });
  }

  @Test
  void everyResourceOfTheGroupInTheRenderedRbacExistsInTheCrds() throws IOException {
    Set<String> known = new HashSet<>();
    for (CustomResourceDefinition crd : chartCrds()) {
      String plural = crd.getSpec().getNames().getPlural();
      known.add(plural);
      known.add(plural + "/status");
    }
    for (Rendered rendered :
        List.of(HelmChart.renderDefaults(), HelmChart.render("values-custom.yaml"))) {
      Stream<PolicyRule> rules =
          Stream.concat(
              rendered.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
              rendered.all(Role.class).stream().flatMap(r -> r.getRules().stream()));
      List<String> referenced =
          rules
              .filter(rule -> rule.getApiGroups().contains(Rbac.GROUP))
              .flatMap(rule -> rule.getResources().stream())
              .distinct()
              .toList();
      assertThat(referenced)
          .isNotEmpty()
          .allSatisfy(resource -> assertThat(known).contains(resource));
    }
  }

  private static List<CustomResourceDefinition> chartCrds() throws IOException {
    List<CustomResourceDefinition> crds = new java.util.ArrayList<>();
    for (String name : fileNames(CHART_CRDS)) {
      crds.add(
          HelmChart.SERIALIZATION.unmarshal(
              Files.readString(CHART_CRDS.resolve(name)), CustomResourceDefinition.class));
    }
    return crds;
  }

  private static List<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
