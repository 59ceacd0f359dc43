package com.emailgistics.webhooks.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Linux /proc readings: CPU time and thread count of processes, busy time of the whole machine. */
final class Proc {
  /** Clock ticks per second of /proc times (USER_HZ); 100 on every mainstream Linux build. */
  static final long TICKS_PER_SECOND = 100;

  private Proc() {}

  /** User + system CPU time of a live process in ms (dead threads included), or -1 when gone. */
  static long cpuMillis(long pid) {
    String[] fields = statFields(pid);
    if (fields == null) {
      return -1;
    }
    // Fields after "(comm)": index 0 is field 3 (state); utime is field 14, stime field 15.
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / TICKS_PER_SECOND;
  }

  /** CPU time in ms of the waited-for children of a process (cutime + cstime). */
  static long childrenCpuMillis(long pid) {
    String[] fields = statFields(pid);
    if (fields == null) {
      return -1;
    }
    return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 1000 / TICKS_PER_SECOND;
  }

  /** Threads of a process as the kernel counts them (every JVM thread: Java, GC, JIT...). */
  static int threads(long pid) {
    return (int) status(pid, "Threads:");
  }

  /**
   * Resident set size in bytes: heap, metaspace, code, thread stacks and native memory (OpenSSL).
   */
  static long residentBytes(long pid) {
    long kib = status(pid, "VmRSS:");
    return kib < 0 ? -1 : kib * 1024;
  }

  /** A number from /proc/<pid>/status ("Threads: 42", "VmRSS: 123 kB"), or -1. */
  private static long status(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * CPU ms of every live thread of a process, summed by thread name (the kernel's 15-character
   * comm, digits replaced by N): Java threads, GC workers, JIT compilers alike.
   */
  static Map<String, Long> threadCpuMillisByName(long pid) {
    Map<String, Long> byName = new java.util.TreeMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
      list.forEach(
          task -> {
            try {
              String stat = Files.readString(task.resolve("stat"));
              String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
              String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
              long millis =
                  (Long.parseLong(fields[11]) + Long.parseLong(fields[12]))
                      * 1000
                      / TICKS_PER_SECOND;
              byName.merge(comm.replaceAll("\\d+", "N"), millis, Long::sum);
            } catch (IOException | RuntimeException gone) {
              // the thread ended meanwhile
            }
          });
    } catch (IOException e) {
      return byName;
    }
    return byName;
  }

  /** User ms, system ms, voluntary and involuntary context switches, summed over live threads. */
  static long[] schedulerTotals(long pid) {
    long[] totals = new long[4];
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
      list.forEach(
          task -> {
            try {
              String stat = Files.readString(task.resolve("stat"));
              String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
              totals[0] += Long.parseLong(fields[11]) * 1000 / TICKS_PER_SECOND;
              totals[1] += Long.parseLong(fields[12]) * 1000 / TICKS_PER_SECOND;
              for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                  totals[2] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                  totals[3] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
              }
            } catch (IOException | RuntimeException gone) {
              // the thread ended meanwhile
            }
          });
    } catch (IOException e) {
      return totals;
    }
    return totals;
  }

  /** {@code after - before} per name, largest first, zeros dropped. */
  static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> delta = new LinkedHashMap<>();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> delta.put(e.getKey(), e.getValue()));
    return delta;
  }

  /** Busy CPU time of the whole machine in ms (all cores; everything but idle and iowait). */
  static long machineBusyMillis() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] parts = cpu.trim().split("\\s+");
      long total = 0;
      // cpu user nice system idle iowait irq softirq steal (guest times are inside user/nice)
      for (int i = 1; i <= 8 && i < parts.length; i++) {
        total += Long.parseLong(parts[i]);
      }
      long idle = Long.parseLong(parts[4]) + Long.parseLong(parts[5]);
      return (total - idle) * 1000 / TICKS_PER_SECOND;
    } catch (IOException e) {
      return -1;
    }
  }

  private static String[] statFields(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Named groups of processes whose CPU time is compared before and after a scenario. */
  static final class CpuMeter {
    private final Map<String, Supplier<List<Long>>> groups = new LinkedHashMap<>();
    private final Map<String, Long> start = new LinkedHashMap<>();
    private long startChildren;
    private long startMachine;
    private long startNanos;

    void group(String name, Supplier<List<Long>> pids) {
      groups.put(name, pids);
    }

    void begin() {
      start.clear();
      groups.forEach((name, pids) -> start.put(name, sum(pids.get())));
      startChildren = childrenCpuMillis(ProcessHandle.current().pid());
      startMachine = machineBusyMillis();
      startNanos = System.nanoTime();
    }

    /**
     * CPU ms per group since {@link #begin}; "load generator (wrk)" is what this JVM's reaped
     * children used (wrk exits before the end), "unattributed" is the machine's busy time not used
     * by any group (other processes on the machine, kernel threads).
     */
    CpuUsage end() {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      Map<String, Long> used = new LinkedHashMap<>();
      groups.forEach(
          (name, pids) ->
              used.put(name, Math.max(0, sum(pids.get()) - start.getOrDefault(name, 0L))));
      long children = childrenCpuMillis(ProcessHandle.current().pid()) - startChildren;
      used.put("load generator (wrk)", Math.max(0, children));
      long machine = machineBusyMillis() - startMachine;
      long attributed = used.values().stream().mapToLong(Long::longValue).sum();
      used.put("unattributed", Math.max(0, machine - attributed));
      return new CpuUsage(seconds, used, machine);
    }

    private static long sum(List<Long> pids) {
      long total = 0;
      for (long pid : pids) {
        long millis = cpuMillis(pid);
        if (millis > 0) {
          total += millis;
        }
      }
      return total;
    }
  }

  /** CPU ms used per group over {@code seconds} of wall time; machine = all busy CPU ms. */
  record CpuUsage(double seconds, Map<String, Long> millisByGroup, long machineMillis) {
    /** Busy fraction of the machine's cores (2 cores fully busy = 2.0). */
    double cores(long millis) {
      return millis / 1000.0 / seconds;
    }

    List<String> groupNames() {
      return new ArrayList<>(millisByGroup.keySet());
    }
  }
}
