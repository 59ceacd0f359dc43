package com.emailgistics.webhooks.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension: the fabric8 CRUD mock API server for a test class, and a client for it in the
 * class's static {@link KubernetesClient} field (what {@code @EnableKubernetesMockClient(crud =
 * true)} does). The server is built on Vert.x 4 and the operator on Vert.x 5, so the server runs in
 * a class loader of its own (module mock-apiserver) and is reached over HTTPS only.
 */
public final class MockApiServer implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(MockApiServer.class);
  private static final String SERVER_CLASS =
      "com.emailgistics.webhooks.mockapiserver.CrudApiServer";

  /** A running mock API server and a client for it; closing stops both. */
  public record Running(AutoCloseable server, KubernetesClient client) implements AutoCloseable {
    /** Drops the requests the server recorded: it keeps every one, which a memory test counts. */
    public void forgetRequests() throws ReflectiveOperationException {
      server.getClass().getMethod("forgetRequests").invoke(server);
    }

    @Override
    public void close() throws Exception {
      client.close();
      server.close();
    }
  }

  /** Starts a server outside JUnit's extension model (e.g. for jqwik properties). */
  public static Running start() throws Exception {
    ClassLoader isolated = isolatedLoader();
    Class<?> serverClass = Class.forName(SERVER_CLASS, true, isolated);
    AutoCloseable server = (AutoCloseable) serverClass.getMethod("start").invoke(null);
    String url = (String) serverClass.getMethod("url").invoke(server);
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withTrustCerts(true)
            .withNamespace("test")
            .withHttp2Disable(true)
            .withOauthToken("secret")
            .build();
    return new Running(server, new KubernetesClientBuilder().withConfig(config).build());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Running running = start();
    context.getStore(STORE).put("running", running);
    for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == KubernetesClient.class) {
        field.setAccessible(true);
        field.set(null, running.client());
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    context.getStore(STORE).get("running", Running.class).close();
  }

  /** The mock server's jars (from the classpath file mock-apiserver writes) and its classes. */
  private static ClassLoader isolatedLoader() throws IOException {
    String classpathFile = System.getProperty("mock.apiserver.classpath");
    String classes = System.getProperty("mock.apiserver.classes");
    if (classpathFile == null || !Files.exists(Path.of(classpathFile)) || classes == null) {
      throw new IllegalStateException(
          "The mock API server is not built: run the tests through the reactor"
              + " (mvn -pl operator -am verify), which builds module mock-apiserver first");
    }
    List<URL> urls = new ArrayList<>();
    urls.add(url(Path.of(classes)));
    for (String jar :
        Files.readString(Path.of(classpathFile)).trim().split(java.io.File.pathSeparator)) {
      urls.add(url(Path.of(jar)));
    }
    return new URLClassLoader(
        "mock-apiserver", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  private static URL url(Path path) throws MalformedURLException {
    return path.toUri().toURL();
  }
}
