package com.emailgistics.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.emailgistics.webhooks.api.Mailbox;
import com.emailgistics.webhooks.api.MailboxRule;
import com.emailgistics.webhooks.api.Webhook;
import com.emailgistics.webhooks.rules.RuleCompiler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Everything in examples/ parses into the API classes, and the example rules compile. */
class ExamplesTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("crds.committed.dir")).resolveSibling("examples");

  @Test
  void examplesParseAndRulesCompile() throws Exception {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List.of(Webhook.class, Mailbox.class, MailboxRule.class)
        .forEach(serialization::registerKubernetesResource);
    List<HasMetadata> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        objects.addAll(load(serialization, file));
      }
    }

    assertThat(objects).filteredOn(Webhook.class::isInstance).hasSize(1);
    assertThat(objects).filteredOn(Mailbox.class::isInstance).hasSize(1);
    List<MailboxRule> rules =
        objects.stream()
            .filter(MailboxRule.class::isInstance)
            .map(MailboxRule.class::cast)
            .toList();
    assertThat(rules).hasSize(2);
    for (MailboxRule rule : rules) {
      RuleCompiler.compile(rule.getMetadata().getName(), rule.getSpec());
    }
    Webhook webhook =
        objects.stream()
            .filter(Webhook.class::isInstance)
            .map(Webhook.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(webhook.getSpec().permitsMailbox("team-claims", "claims")).isTrue();
  }

  private static List<HasMetadata> load(KubernetesSerialization serialization, Path file)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Object parsed = serialization.unmarshal(in);
      return parsed instanceof List<?> list
          ? list.stream().map(HasMetadata.class::cast).toList()
          : List.of((HasMetadata) parsed);
    }
  }
}
