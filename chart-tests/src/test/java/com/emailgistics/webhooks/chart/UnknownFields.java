package com.emailgistics.webhooks.chart;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds fields fabric8 could not map onto its typed models. fabric8 does not fail on an unknown
 * field (say `readOnlyRootFileSystem`) or a value of the wrong type: it keeps them in
 * `additionalProperties`. A non-empty one in a rendered object is a typo or a structural mistake in
 * a template that the API server would reject or silently drop.
 */
final class UnknownFields {
  private UnknownFields() {}

  static List<String> in(Object root) {
    List<String> found = new ArrayList<>();
    walk(root, describe(root), found);
    return found;
  }

  private static String describe(Object root) {
    if (root instanceof io.fabric8.kubernetes.api.model.HasMetadata object) {
      return object.getKind() + " " + object.getMetadata().getName();
    }
    return root.getClass().getSimpleName();
  }

  private static void walk(Object node, String path, List<String> found) {
    if (node == null || node instanceof GenericKubernetesResource) {
      return; // untyped: no schema to check against
    }
    if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", found);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> walk(value, path + "." + key, found));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = invoke(getter, node);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": " + extra.keySet());
        }
      } else {
        walk(value, path + "." + propertyName(getter), found);
      }
    }
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(getter + " failed", e);
    }
  }

  private static String propertyName(Method getter) {
    String name = getter.getName().substring(3);
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
