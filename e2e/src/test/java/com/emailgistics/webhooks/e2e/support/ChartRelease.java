package com.emailgistics.webhooks.e2e.support;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * helm/emailgistics-operator installed on the test API server with the real Helm library
 * (helm-java: Helm 3 via JNA), exactly as `helm install` does it: the chart's `lookup`, its
 * kubeVersion constraint and every rendered object meet the real server. No controller-manager,
 * scheduler or kubelet runs, so the Deployment stays an inert object; the tests run the operator
 * in-process with the Deployment's environment and its ServiceAccount's identity instead.
 */
public final class ChartRelease {
  public static final String RELEASE = "emailgistics-operator";

  private final KubernetesClient admin;
  private final String namespace;
  private final Release release;

  private ChartRelease(KubernetesClient admin, String namespace, Release release) {
    this.admin = admin;
    this.namespace = namespace;
    this.release = release;
  }

  public static ChartRelease install(
      E2eCluster cluster, String namespace, UnaryOperator<InstallCommand> values) {
    InstallCommand install =
        new Helm(Paths.chartDir())
            .install()
            .withName(RELEASE)
            .withNamespace(namespace)
            .withKubeConfigContents(cluster.kubeConfigYaml());
    Release release = values.apply(install).call();
    return new ChartRelease(cluster.admin(), namespace, release);
  }

  public Release release() {
    return release;
  }

  public String namespace() {
    return namespace;
  }

  public Deployment deployment() {
    List<Deployment> deployments =
        admin
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withLabel("app.kubernetes.io/instance", RELEASE)
            .list()
            .getItems();
    if (deployments.size() != 1) {
      throw new IllegalStateException(
          "expected one Deployment of the release, found " + deployments.size());
    }
    return deployments.get(0);
  }

  public Container operatorContainer() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  public String serviceAccountName() {
    return deployment().getSpec().getTemplate().getSpec().getServiceAccountName();
  }

  /** The ServiceAccount's user name, as the API server authenticates the pod's token. */
  public String serviceAccountUser() {
    return "system:serviceaccount:" + namespace + ":" + serviceAccountName();
  }

  /** The groups the API server adds for every ServiceAccount token of this namespace. */
  public List<String> serviceAccountGroups() {
    return List.of(
        "system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
  }

  /** The operator container's plain-valued environment variables, as the chart renders them. */
  public Map<String, String> operatorEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : operatorContainer().getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      }
    }
    return env;
  }
}
