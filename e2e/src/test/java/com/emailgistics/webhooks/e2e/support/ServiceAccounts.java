package com.emailgistics.webhooks.e2e.support;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * ServiceAccounts whose own tokens a test presents, as a workload or a person with a token would:
 * the operator's read API reviews real tokens (TokenReview), which impersonation cannot give.
 */
public final class ServiceAccounts {
  private ServiceAccounts() {}

  /**
   * Creates the ServiceAccount {@code name} in {@code namespace}, binds it there to the role {@code
   * roleKind}/{@code role} unless {@code role} is null, and returns a 10-minute token of it.
   */
  public static String token(
      KubernetesClient admin, String namespace, String name, String roleKind, String role) {
    admin
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    if (role != null) {
      admin
          .rbac()
          .roleBindings()
          .inNamespace(namespace)
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", roleKind, role)
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName(name)
                  .withNamespace(namespace)
                  .endSubject()
                  .build())
          .create();
    }
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(name)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
        .getStatus()
        .getToken();
  }
}
