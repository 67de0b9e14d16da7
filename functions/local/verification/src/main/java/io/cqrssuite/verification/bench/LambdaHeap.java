package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.verification.workload.StreamDeliveries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Peak heap of one invocation at the function's memory: a child JVM with the heap Lambda would give it
 * ({@link CommandStreamMapping#heapMb()}, the template's {@code JAVA_TOOL_OPTIONS}, the serial collector a
 * one-vCPU JVM picks), whose own {@link CatalogHandler} takes a warm-up batch and then each measured batch, the heap
 * pools' peaks reset after a full collection before each. The bench's own JVM cannot tell: the OpenSearch node runs
 * in it. The figure is the sum of the pools' peaks (young and old peak at different moments, so it bounds the need
 * from above); a batch that does not fit fails with {@code OutOfMemoryError}, which is reported as such.
 */
final class LambdaHeap {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_MINUTES = 5;

  private LambdaHeap() {}

  /**
   * Runs the child on {@code batches} (records per batch, in order; the first is the warm-up and is not reported)
   * with {@code environment} as its process environment; returns records -> peak heap in MB.
   */
  static Map<Integer, Double> peaks(CommandStreamMapping mapping, Map<String, String> environment, List<List<ObjectNode>> batches)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("sync-bench-heap");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + mapping.heapMb() + "m");
    command.add("-XX:+UseSerialGC");
    for (String option : mapping.javaToolOptions().trim().split("\\s+")) {
      if (!option.isEmpty()) {
        command.add(option);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LambdaHeap.class.getName());
    try {
      for (int i = 0; i < batches.size(); i++) {
        Path event = dir.resolve("event-" + i + ".json");
        Files.write(event, StreamDeliveries.event(batches.get(i)));
        command.add(event.toString());
      }
      Path errors = dir.resolve("stderr.txt");
      ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
      builder.environment().clear();
      builder.environment().putAll(environment);
      Process child = builder.start();
      String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!child.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        child.destroyForcibly();
        throw new IOException("the heap probe did not finish in " + TIMEOUT_MINUTES + " minutes");
      }
      String last = out.lines().reduce((a, b) -> b).orElse("");
      if (child.exitValue() != 0 || !last.startsWith("{")) {
        List<String> stderr = Files.readAllLines(errors, StandardCharsets.UTF_8);
        String tail = String.join("\n", stderr.subList(Math.max(0, stderr.size() - 15), stderr.size()));
        throw new IOException(
            "the heap probe (" + mapping.heapMb() + " MB heap) failed with exit " + child.exitValue() + ": " + last + "\n" + tail);
      }
      Map<Integer, Double> peaks = new LinkedHashMap<>();
      for (JsonNode batch : JSON.readTree(last).path("batches")) {
        peaks.put(batch.path("records").asInt(), batch.path("peakHeapMb").asDouble());
      }
      return peaks;
    } finally {
      for (Path file : Files.list(dir).toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    }
  }

  /** The child: {@code args} are event files, the first a warm-up. Prints one JSON line. */
  public static void main(String[] args) throws Exception {
    CatalogHandler handler = new CatalogHandler(System.getenv());
    ObjectNode result = JSON.createObjectNode();
    result.put("maxHeapMb", Runtime.getRuntime().maxMemory() / 1048576.0);
    ArrayNode batches = result.putArray("batches");
    for (int i = 0; i < args.length; i++) {
      byte[] event = Files.readAllBytes(Path.of(args[i]));
      int records = JSON.readTree(event).path("Records").size();
      System.gc();
      List<MemoryPoolMXBean> heap =
          ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      handler.handleRequest(new ByteArrayInputStream(event), response, null);
      long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      int failed = JSON.readTree(response.toByteArray()).path("batchItemFailures").size();
      if (failed > 0) {
        throw new IllegalStateException(failed + " of " + records + " records failed in the heap probe");
      }
      if (i > 0) {
        ObjectNode batch = batches.addObject();
        batch.put("records", records);
        batch.put("peakHeapMb", Math.round(peak / 1048576.0 * 10) / 10.0);
      }
    }
    System.out.println(result);
    System.exit(0);
  }
}
