package com.emailgistics.webhooks.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine the benchmark ran on. */
record Machine(
    int cores,
    String cpuModel,
    long memoryMiB,
    String kernel,
    String jdk,
    String nginx,
    String wrk,
    String loadAverageAtStart) {

  static Machine describe() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        readCpuModel(),
        readMemoryMiB(),
        read("/proc/sys/kernel/osrelease").trim(),
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.vendor")
            + ")",
        Nginx.version().replace("nginx version: ", ""),
        Wrk.version().replaceAll("\\s*Copyright.*$", ""),
        String.join(
            " ",
            java.util.Arrays.asList(read("/proc/loadavg").trim().split("\\s+")).subList(0, 3)));
  }

  String summary() {
    return cores + " cores (" + cpuModel + "), " + memoryMiB + " MiB, Linux " + kernel + ", " + jdk;
  }

  private static String readCpuModel() {
    for (String line : read("/proc/cpuinfo").split("\n")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown";
  }

  private static long readMemoryMiB() {
    for (String line : read("/proc/meminfo").split("\n")) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
      }
    }
    return -1;
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      return "";
    }
  }
}
