package dev.airbag.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A gateway node in its own JVM, as users run it, and what it costs: CPU time and heap allocated
 * (read over JMX after attaching to the process) and peak RSS (from /proc).
 */
public final class NodeProcess implements AutoCloseable {

  /**
   * The JVM flags {@code scripts/airbag} gives a node by default: a fixed heap, native memory
   * trimmed every 2 s.
   */
  public static final List<String> JVM_FLAGS =
      List.of(
          "-Xms256m",
          "-Xmx256m",
          "-XX:+ExitOnOutOfMemoryError",
          "-XX:+IgnoreUnrecognizedVMOptions",
          "-XX:TrimNativeHeapInterval=2000");

  /**
   * The environment {@code scripts/airbag} gives a node by default: at most two glibc malloc
   * arenas.
   */
  public static final Map<String, String> ENV = Map.of("MALLOC_ARENA_MAX", "2");

  /** What Hazelcast needs opened on Java 17; the same list as {@code scripts/airbag}. */
  private static final List<String> HAZELCAST_FLAGS =
      List.of(
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final int port;
  private final Process process;
  private JMXConnector jmx;
  private com.sun.management.ThreadMXBean threads;
  private com.sun.management.OperatingSystemMXBean os;
  private java.lang.management.MemoryMXBean memory;
  private java.lang.management.CompilationMXBean jit;

  private NodeProcess(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /**
   * Starts a node on a free port and waits until it is ready.
   *
   * @param cluster a Hazelcast XML to join, or null for {@code --standalone}
   * @param extraJvmArgs more JVM flags (for example {@code -XX:StartFlightRecording=...}), may be
   *     blank
   */
  public static NodeProcess start(
      Path airbagJar, Path config, Path cluster, String extraJvmArgs, Path log) throws Exception {
    return start(airbagJar, config, cluster, extraJvmArgs, log, freePort());
  }

  /**
   * As {@link #start(Path, Path, Path, String, Path)}, on a given port (a node restarted where it
   * was).
   */
  public static NodeProcess start(
      Path airbagJar, Path config, Path cluster, String extraJvmArgs, Path log, int port)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "-jar",
                airbagJar.toString(),
                "node",
                "--config",
                config.toString(),
                "--host",
                "127.0.0.1",
                "--http-port",
                String.valueOf(port)));
    command.addAll(
        cluster == null ? List.of("--standalone") : List.of("--cluster", cluster.toString()));
    return launch(command, extraJvmArgs, log, port);
  }

  /**
   * Starts a {@link BareProxy} to {@code upstreamPort} on a free port, in a JVM with a node's
   * flags: the throughput of a Vert.x gateway with nothing of Airbag in it, measured as a node's
   * is.
   */
  public static NodeProcess startBare(int upstreamPort, String extraJvmArgs, Path log)
      throws Exception {
    int port = freePort();
    return launch(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            BareProxy.class.getName(),
            String.valueOf(port),
            String.valueOf(upstreamPort)),
        extraJvmArgs,
        log,
        port);
  }

  private static NodeProcess launch(
      List<String> mainAndArgs, String extraJvmArgs, Path log, int port) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(JVM_FLAGS);
    command.addAll(HAZELCAST_FLAGS);
    if (!extraJvmArgs.isBlank()) {
      command.addAll(Arrays.asList(extraJvmArgs.trim().split("\\s+")));
    }
    command.addAll(mainAndArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    ENV.forEach(builder.environment()::putIfAbsent);
    Process process = builder.start();
    NodeProcess node = new NodeProcess(port, process);
    try {
      node.awaitReady(log);
      node.attach();
    } catch (Exception e) {
      node.close();
      throw e;
    }
    return node;
  }

  /**
   * Removes a run's working directory (configs, node logs) once the run has written its report;
   * after a failed run it is kept, and named, so the nodes' logs can be read.
   */
  public static void tidy(Path work, boolean succeeded) throws IOException {
    if (!succeeded) {
      System.err.println("bench: the nodes' configs and logs are kept in " + work);
      return;
    }
    try (var paths = Files.walk(work)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Starts {@code count} nodes one after another, each joining {@code cluster}. */
  public static List<NodeProcess> startAll(
      int count, Path airbagJar, Path config, Path cluster, String extraJvmArgs, Path logDir)
      throws Exception {
    List<NodeProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        nodes.add(
            start(airbagJar, config, cluster, extraJvmArgs, logDir.resolve("node-" + i + ".log")));
      }
    } catch (Exception e) {
      nodes.forEach(NodeProcess::close);
      throw e;
    }
    return nodes;
  }

  private void attach() throws Exception {
    VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
    jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
    threads =
        ManagementFactory.newPlatformMXBeanProxy(
            jmx.getMBeanServerConnection(),
            ManagementFactory.THREAD_MXBEAN_NAME,
            com.sun.management.ThreadMXBean.class);
    os =
        ManagementFactory.newPlatformMXBeanProxy(
            jmx.getMBeanServerConnection(),
            ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
            com.sun.management.OperatingSystemMXBean.class);
    memory =
        ManagementFactory.newPlatformMXBeanProxy(
            jmx.getMBeanServerConnection(),
            ManagementFactory.MEMORY_MXBEAN_NAME,
            java.lang.management.MemoryMXBean.class);
    jit =
        ManagementFactory.newPlatformMXBeanProxy(
            jmx.getMBeanServerConnection(),
            ManagementFactory.COMPILATION_MXBEAN_NAME,
            java.lang.management.CompilationMXBean.class);
  }

  /**
   * A full collection in the node, as JMH makes between iterations: what the warm-up left is not
   * the measurement's to pay.
   */
  public void collectGarbage() {
    memory.gc();
  }

  /** Milliseconds the node's JIT compilers have spent so far (all compiler threads). */
  public long jitMillis() {
    return jit.getTotalCompilationTime();
  }

  /** CPU time the node has used so far, all threads, user and system. */
  public long cpuNanos() {
    return os.getProcessCpuTime();
  }

  /** Heap bytes allocated so far by the node's live threads (event loops, workers, Hazelcast). */
  public long allocatedBytes() {
    return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
        .filter(b -> b > 0)
        .sum();
  }

  public long peakRssKb() throws IOException {
    return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
        .filter(l -> l.startsWith("VmHWM:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
        .findFirst()
        .orElse(-1L);
  }

  /**
   * How often the node's API event loops ran late so far ({@code airbag_event_loop_delay_seconds},
   * all loops): {@code [ticks, late by more than 10 ms, late by more than 50 ms]}.
   */
  public long[] loopStalls() throws Exception {
    String scrape =
        HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    long[] counts = new long[3];
    for (String line : scrape.lines().toList()) {
      if (!line.startsWith("airbag_event_loop_delay_seconds_")) {
        continue;
      }
      long value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (line.startsWith("airbag_event_loop_delay_seconds_count")) {
        counts[0] += value;
        counts[1] += value;
        counts[2] += value;
      } else if (line.contains("le=\"0.01\"")) {
        counts[1] -= value;
      } else if (line.contains("le=\"0.05\"")) {
        counts[2] -= value;
      }
    }
    return counts;
  }

  /**
   * What the kernel counted so far for the node's Vert.x event-loop threads, summed ({@code
   * /proc/<pid>/task/<tid>/schedstat}): {@code [ns on a core, ns runnable but waiting for a core,
   * times scheduled in]}. On cores shared with other busy processes the second is latency the node
   * adds without any work of its own. Zeros where the kernel keeps no such figures.
   */
  public long[] loopSchedstat() {
    long[] sum = new long[3];
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc/" + process.pid() + "/task"))) {
      for (Path task : tasks) {
        try {
          // The kernel keeps 15 characters of a thread's name: "vert.x-eventloop-thread-0" reads
          // "vert.x-eventloo".
          if (!Files.readString(task.resolve("comm")).startsWith("vert.x-eventloo")) {
            continue;
          }
          String[] fields = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
          for (int k = 0; k < sum.length; k++) {
            sum[k] += Long.parseLong(fields[k]);
          }
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
          // the thread ended meanwhile, or no schedstat here
        }
      }
    } catch (IOException e) {
      // no /proc: not Linux
    }
    return sum;
  }

  /** POSTs to the node's admin API (no admin key is configured in benchmarks). */
  public void admin(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "POST " + path + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private void awaitReady(Path log) throws Exception {
    for (int i = 0; i < 900; i++) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the node exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException notYet) {
        // the node is still starting
      }
      TimeUnit.MILLISECONDS.sleep(
          100); // polling another process's readiness, not synchronising a test
    }
    throw new IllegalStateException("the node did not become ready in 90 s; see " + log);
  }

  /** Stops the node: SIGTERM first, so a flight recording started by its flags gets written. */
  @Override
  public void close() {
    try {
      if (jmx != null) {
        jmx.close();
      }
    } catch (IOException ignored) {
      // the process is going away anyway
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the node as a crash would: SIGKILL, no shutdown hook, no goodbye to the cluster. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /**
   * The bundled loopback cluster config under a cluster name and ports of its own, so no other
   * cluster mixes in.
   */
  public static Path clusterConfig(Path work, String name, int firstPort) throws IOException {
    String xml;
    try (java.io.InputStream in =
        dev.airbag.node.cluster.Cluster.class
            .getClassLoader()
            .getResourceAsStream(dev.airbag.node.cluster.Cluster.DEFAULT_CONFIG)) {
      xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Path file = work.resolve("cluster.xml");
    String prefix = String.valueOf(firstPort).substring(0, 2);
    Files.writeString(
        file,
        xml.replace(
                "<cluster-name>airbag</cluster-name>", "<cluster-name>" + name + "</cluster-name>")
            .replace(">5701<", ">" + firstPort + "<")
            .replace("127.0.0.1:57", "127.0.0.1:" + prefix));
    return file;
  }

  public static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
