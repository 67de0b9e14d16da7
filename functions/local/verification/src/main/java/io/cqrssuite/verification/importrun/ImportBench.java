package io.cqrssuite.verification.importrun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.verification.cloud.LocalCloud;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./suite bench import}: a generated CSV (default 100,000 rows) through the whole workflow path on the local
 * cloud, once per chunk size asked for, each on a fresh cloud: rows/s from the upload to the execution's
 * {@code SUCCEEDED}, and to the read models synced (the command stream delivered after the import, as one
 * catch-up), the JVM's peak heap up to each (the sum of the heap pools' peaks, reset before each size; the embedded
 * OpenSearch node lives in this heap too) and the peak RSS of the harness and dynalite processes. Figures are those of the
 * local Step Functions harness (aws-local-stepfunctions) and dynalite, not of AWS.
 */
public final class ImportBench {
  public static final String ENGINE = "local Step Functions harness (aws-local-stepfunctions), dynalite";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImportBench() {}

  /** What to import. */
  public record Options(int rows, List<Integer> chunkRows, long seed, boolean sync) {
    public static Options defaults() {
      return new Options(100_000, List.of(io.cqrssuite.catalog.imports.ImportSettings.DEFAULT_CHUNK_ROWS), 11, true);
    }

    public Options withRows(int value) {
      return new Options(value, chunkRows, seed, sync);
    }

    public Options withChunkRows(List<Integer> value) {
      return new Options(rows, List.copyOf(value), seed, sync);
    }

    public Options withSeed(long value) {
      return new Options(rows, chunkRows, value, sync);
    }

    /** Without the stream catch-up and the read-model check: the chunk sizes' import times alone. */
    public Options withoutSync() {
      return new Options(rows, chunkRows, seed, false);
    }
  }

  /** One chunk size's figures. */
  public record Result(int chunkRows, ImportStage.Report report, long heapBeforeBytes, long importPeakHeapBytes, long peakHeapBytes,
      long harnessPeakRssBytes, long dynalitePeakRssBytes) {
    double importRowsPerSecond() {
      return report.rows() / Math.max(report.importNanos() / 1e9, 1e-9);
    }

    double syncedRowsPerSecond() {
      return report.rows() / Math.max(report.syncedNanos() / 1e9, 1e-9);
    }
  }

  public static int run(Options options, Path root, Map<String, String> processEnv, Map<String, String> functionEnv, PrintStream out,
      PrintStream progress) throws Exception {
    TenantReadModelCheck.ReadModels readModels = WorkflowStages.readModels(functionEnv);
    ProductCsvFile file = ProductCsvFile.generate(options.rows(), "bench", options.seed());
    progress.printf("bench import: %,d rows (%,d bad), %,d bytes; chunk sizes %s; %s%n", file.rows(), file.badRows(), file.bytes().length,
        options.chunkRows(), ENGINE);
    List<Result> results = new ArrayList<>();
    for (int chunkRows : options.chunkRows()) {
      String tenant = "bench" + chunkRows;
      // Each size writes its own tenant, so the read models' check sees only that size's rows.
      ProductCsvFile sized = ProductCsvFile.generate(options.rows(), tenant, options.seed());
      LocalCloud.Options cloudOptions = WorkflowStages.cloudOptions(root, processEnv, chunkRows, WorkflowStages.harnessLog(processEnv));
      try (LocalCloud cloud = LocalCloud.start(cloudOptions, functionEnv)) {
        System.gc();
        long heapBefore = heapUsed();
        resetHeapPeaks();
        progress.printf("chunk rows %,d:%n", chunkRows);
        long[] atImported = new long[3];
        ImportStage.Report report = ImportStage.run(cloud, readModels, sized, tenant, "bench-" + chunkRows, Duration.ofMinutes(30), progress,
            () -> {
              atImported[0] = heapPeak();
              atImported[1] = peakRss("sfn-harness");
              atImported[2] = peakRss("dynalite");
            }, options.sync());
        Result result = new Result(chunkRows, report, heapBefore, atImported[0], heapPeak(), atImported[1], atImported[2]);
        results.add(result);
        String synced = report.synced()
            ? String.format("-> read models synced %.1f s (%,.0f rows/s)", report.syncedNanos() / 1e9, result.syncedRowsPerSecond())
            : "read models not synced (--no-sync)";
        out.printf("chunk rows %,6d: %s, %,d chunks, %,d ok, %,d rejected; upload -> SUCCEEDED %.1f s (%,.0f rows/s); %s; peak heap "
                + "%,d MiB to SUCCEEDED, %,d MiB overall (%,d MiB in use before); harness peak RSS %,d MiB, dynalite %,d MiB; %d mismatches%n",
            chunkRows, report.executionStatus(), report.chunks(), report.ok(), report.rejected(), report.importNanos() / 1e9,
            result.importRowsPerSecond(), synced, mib(result.importPeakHeapBytes()), mib(result.peakHeapBytes()), mib(heapBefore),
            mib(result.harnessPeakRssBytes()), mib(result.dynalitePeakRssBytes()), report.mismatches());
        report.examples().forEach(e -> out.println("  mismatch: " + e));
      }
    }
    Result fastest = results.stream().max((a, b) -> Double.compare(a.importRowsPerSecond(), b.importRowsPerSecond())).orElseThrow();
    if (results.size() > 1) {
      out.printf("fastest to SUCCEEDED: %,d rows per chunk (%,.0f rows/s)%n", fastest.chunkRows(), fastest.importRowsPerSecond());
    }
    out.println("figures: " + ENGINE + "; embedded PostgreSQL and OpenSearch; one machine");
    ObjectNode summary = JSON.createObjectNode();
    summary.put("rows", options.rows());
    summary.put("badRows", file.badRows());
    summary.put("engine", ENGINE);
    ArrayNode sizes = summary.putArray("results");
    long mismatches = 0;
    for (Result r : results) {
      mismatches += r.report().mismatches();
      ObjectNode size = sizes.addObject();
      size.put("chunkRows", r.chunkRows());
      size.put("status", r.report().executionStatus());
      size.put("chunks", r.report().chunks());
      size.put("ok", r.report().ok());
      size.put("rejected", r.report().rejected());
      size.put("importSeconds", Math.round(r.report().importNanos() / 1e6) / 1000.0);
      size.put("importRowsPerSecond", Math.round(r.importRowsPerSecond()));
      if (r.report().synced()) {
        size.put("syncedSeconds", Math.round(r.report().syncedNanos() / 1e6) / 1000.0);
        size.put("syncedRowsPerSecond", Math.round(r.syncedRowsPerSecond()));
        size.put("rowsInReadModel", r.report().relational().visible());
        size.put("documents", r.report().search().visible());
      }
      size.put("importPeakHeapMiB", mib(r.importPeakHeapBytes()));
      size.put("peakHeapMiB", mib(r.peakHeapBytes()));
      size.put("heapBeforeMiB", mib(r.heapBeforeBytes()));
      size.put("harnessPeakRssMiB", mib(r.harnessPeakRssBytes()));
      size.put("dynalitePeakRssMiB", mib(r.dynalitePeakRssBytes()));
      size.put("mismatches", r.report().mismatches());
    }
    summary.put("fastestChunkRows", fastest.chunkRows());
    summary.put("mismatches", mismatches);
    out.println(summary);
    return mismatches == 0 ? 0 : 1;
  }

  private static void resetHeapPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long heapPeak() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The peak resident set (VmHWM) of this JVM's child process whose command line mentions {@code marker}; 0 if unknown. */
  private static long peakRss(String marker) {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .mapToLong(p -> vmHwm(p.pid()))
        .max().orElse(0);
  }

  private static long vmHwm(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // No /proc (not Linux) or the process is gone: the figure is left out.
    }
    return 0;
  }

  private static long mib(long bytes) {
    return Math.round(bytes / (1024.0 * 1024.0));
  }
}
