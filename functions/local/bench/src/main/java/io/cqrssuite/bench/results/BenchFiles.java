package io.cqrssuite.bench.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where bench results live: every run under {@code <root>/target/bench/} (never committed), the published run of each
 * bench under {@code <root>/docs/benchmarks/}.
 */
public final class BenchFiles {
  public static final String RUNS = "target/bench";
  public static final String PUBLISHED = "docs/benchmarks";
  private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private BenchFiles() {}

  /**
   * The newest run of {@code bench} under {@code runs} modified at or after {@code notBefore}: the file a bench just
   * wrote, found by the caller that started it, since not every bench returns its path. Newest by modification time,
   * then by name (the names carry the start second).
   */
  public static Optional<Path> newest(Path runs, Bench bench, Instant notBefore) throws IOException {
    if (!Files.isDirectory(runs)) {
      return Optional.empty();
    }
    // File systems keep modification times to the second or coarser: a second of slack, never a run from before.
    long from = notBefore.minusSeconds(1).toEpochMilli();
    List<Path> candidates = new ArrayList<>();
    try (Stream<Path> files = Files.list(runs)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.startsWith(bench.label() + "-") && name.endsWith(".json") && Files.isRegularFile(file)
            && Files.getLastModifiedTime(file).toMillis() >= from) {
          candidates.add(file);
        }
      }
    }
    Comparator<Path> byTime = Comparator.comparingLong(BenchFiles::modifiedMillis);
    return candidates.stream().max(byTime.thenComparing(p -> p.getFileName().toString()));
  }

  /**
   * Records in a run's file the command line that produced it, and when the bench wrote no {@code at}, the start time
   * its file name carries, so that the published page can say which command and which day its figures are from.
   */
  public static void stamp(Path file, String command) throws IOException {
    if (!(MAPPER.readTree(file.toFile()) instanceof ObjectNode json)) {
      throw new IllegalArgumentException(file + " holds no JSON object");
    }
    json.put("command", command);
    if (!json.hasNonNull("at")) {
      startOf(file).ifPresent(at -> json.put("at", at.toString()));
    }
    Files.writeString(file, MAPPER.writeValueAsString(json) + "\n");
  }

  /**
   * Copies the newest run of each bench under {@code <root>/target/bench/} to {@code <root>/docs/benchmarks/<bench>.json}
   * and returns the copies; a bench with no run keeps what was published before.
   */
  public static List<Path> publish(Path root) throws IOException {
    Path published = root.resolve(PUBLISHED);
    List<Path> copies = new ArrayList<>();
    for (Bench bench : Bench.values()) {
      Optional<Path> newest = newest(root.resolve(RUNS), bench, Instant.EPOCH.plusSeconds(1));
      if (newest.isPresent()) {
        Files.createDirectories(published);
        Path copy = published.resolve(bench.publishedName());
        Files.copy(newest.get(), copy, StandardCopyOption.REPLACE_EXISTING);
        copies.add(copy);
      }
    }
    return copies;
  }

  /** The published results under {@code <root>/docs/benchmarks/}, by bench; benches not yet published are missing. */
  public static List<BenchResult> published(Path root) throws IOException {
    List<BenchResult> results = new ArrayList<>();
    for (Bench bench : Bench.values()) {
      Path file = root.resolve(PUBLISHED).resolve(bench.publishedName());
      if (Files.isRegularFile(file)) {
        results.add(BenchResult.read(file));
      }
    }
    return results;
  }

  /** The start second in a run's name ({@code cold-20261205-193000.json}), read as UTC. */
  static Optional<Instant> startOf(Path file) {
    String name = file.getFileName().toString();
    int dash = name.indexOf('-');
    if (dash < 0 || !name.endsWith(".json")) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(name.substring(dash + 1, name.length() - ".json".length()), FILE_STAMP)
          .toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static long modifiedMillis(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
