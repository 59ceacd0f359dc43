package com.emailgistics.webhooks.chart;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A small RBAC authorizer over the rendered Roles, ClusterRoles and their bindings, so tests ask
 * "may this subject list Secrets in namespace X?" the way the API server would answer it (for the
 * objects of this chart only; built-in roles are not known here).
 */
final class Rbac {
  static final String GROUP = "webhooks.emailgistics.com";

  private final Rendered rendered;

  Rbac(Rendered rendered) {
    this.rendered = rendered;
  }

  static Subject serviceAccount(String namespace, String name) {
    return new Subject(null, "ServiceAccount", name, namespace);
  }

  static Subject group(String name) {
    return new Subject("rbac.authorization.k8s.io", "Group", name, null);
  }

  /**
   * @param namespace the namespace of the request; null for a cluster-wide request (e.g. listing
   *     Secrets across all namespaces), which only ClusterRoleBindings can allow
   */
  boolean allows(
      Subject subject,
      String verb,
      String apiGroup,
      String resource,
      String namespace,
      String resourceName) {
    Stream<List<PolicyRule>> clusterWide =
        rendered.all(ClusterRoleBinding.class).stream()
            .filter(binding -> hasSubject(binding.getSubjects(), subject, null))
            .map(binding -> rulesOf(binding.getRoleRef(), null));
    Stream<List<PolicyRule>> namespaced =
        namespace == null
            ? Stream.empty()
            : rendered.all(RoleBinding.class).stream()
                .filter(binding -> namespace.equals(binding.getMetadata().getNamespace()))
                .filter(binding -> hasSubject(binding.getSubjects(), subject, namespace))
                .map(binding -> rulesOf(binding.getRoleRef(), namespace));
    return Stream.concat(clusterWide, namespaced)
        .flatMap(List::stream)
        .anyMatch(rule -> ruleAllows(rule, verb, apiGroup, resource, resourceName));
  }

  boolean allows(Subject subject, String verb, String apiGroup, String resource, String namespace) {
    return allows(subject, verb, apiGroup, resource, namespace, null);
  }

  /** Whether rules (of a role bound with a RoleBinding, say) allow the verb on the resource. */
  static boolean rulesAllow(List<PolicyRule> rules, String verb, String apiGroup, String resource) {
    return rules.stream().anyMatch(rule -> ruleAllows(rule, verb, apiGroup, resource, null));
  }

  static boolean ruleAllows(
      PolicyRule rule, String verb, String apiGroup, String resource, String resourceName) {
    return matches(rule.getVerbs(), verb)
        && matches(rule.getApiGroups(), apiGroup)
        && matches(rule.getResources(), resource)
        && (rule.getResourceNames() == null
            || rule.getResourceNames().isEmpty()
            || rule.getResourceNames().contains(resourceName));
  }

  private static boolean matches(List<String> values, String value) {
    return values != null && (values.contains(value) || values.contains("*"));
  }

  private List<PolicyRule> rulesOf(RoleRef ref, String bindingNamespace) {
    if ("ClusterRole".equals(ref.getKind())) {
      return rendered.all(ClusterRole.class).stream()
          .filter(role -> role.getMetadata().getName().equals(ref.getName()))
          .flatMap(role -> role.getRules().stream())
          .toList();
    }
    return rendered.all(Role.class).stream()
        .filter(role -> role.getMetadata().getName().equals(ref.getName()))
        .filter(role -> Objects.equals(role.getMetadata().getNamespace(), bindingNamespace))
        .flatMap(role -> role.getRules().stream())
        .toList();
  }

  private static boolean hasSubject(
      List<Subject> subjects, Subject wanted, String bindingNamespace) {
    return subjects != null
        && subjects.stream()
            .anyMatch(
                s ->
                    s.getKind().equals(wanted.getKind())
                        && s.getName().equals(wanted.getName())
                        && (!"ServiceAccount".equals(s.getKind())
                            || Objects.equals(
                                s.getNamespace() == null ? bindingNamespace : s.getNamespace(),
                                wanted.getNamespace())));
  }
}
