package io.cqrssuite.verification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.catalog.function.CatalogComponent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code ./suite samples}: every sample in {@code events/} through {@code EventFactoryFunction}'s
 * entrypoint in one warm container, with a per-source summary. Samples under {@code events/bad/} must be rejected
 * (each with a reason); any other sample must pass. A stream sample of a table the function does not map (its
 * {@code SUITE_TABLE_MAPPINGS}) is not the example's to handle: it goes through a second container with
 * {@code SUITE_UNHANDLED_EVENTS=ignore} and must be acknowledged whole, as a team ignoring other tables' changes
 * would see it. The last line is one JSON object; the exit code is non-zero when a sample did not end as expected.
 */
public final class SamplesRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UNHANDLED_EVENTS = "SUITE_UNHANDLED_EVENTS";

  /** Counts for one source. */
  private static final class Tally {
    int files;
    int records;
    int events;
    int succeeded;
    int failed;
    int notAttempted;
    long nanos;
  }

  private SamplesRun() {}

  public static int run(Path eventsDir, Map<String, String> environment, PrintStream out) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(eventsDir)) {
      // bad/corpus/ is the generated bad-input corpus: its expectations are per record (MANIFEST.json), and
      // BadInputCorpusTest checks them with a dead-letter queue in place.
      files = walk.filter(p -> p.toString().endsWith(".json"))
          .filter(p -> !eventsDir.relativize(p).startsWith(Path.of("bad", "corpus")))
          .sorted()
          .toList();
    }
    if (files.isEmpty()) {
      throw new IOException("no .json events under " + eventsDir);
    }
    long started = System.nanoTime();
    EventEntrypoint entrypoint = CatalogComponent.create(environment).entrypoint();
    long initMillis = (System.nanoTime() - started) / 1_000_000;
    TableMappings mappings = new TableMappings(TableMappingConfig.parse(environment.get(TableMappingConfig.VARIABLE)));
    Map<String, String> ignoring = new HashMap<>(environment);
    ignoring.put(UNHANDLED_EVENTS, "ignore");
    EventEntrypoint ignoringEntrypoint = null;
    Map<String, Tally> bySource = new TreeMap<>();
    int unexpected = 0;
    int records = 0;
    out.printf("%-48s %-16s %7s %7s %7s  %s%n", "event file", "source", "records", "ok", "failed", "note");
    for (Path file : files) {
      String name = eventsDir.relativize(file).toString();
      boolean expectBad = name.startsWith("bad/") || name.startsWith("bad\\");
      byte[] event = Files.readAllBytes(file);
      String unmapped = expectBad ? null : unmappedStreamTable(event, mappings);
      if (unmapped != null && ignoringEntrypoint == null) {
        ignoringEntrypoint = CatalogComponent.create(ignoring).entrypoint();
      }
      long t0 = System.nanoTime();
      InvocationOutcome outcome = (unmapped == null ? entrypoint : ignoringEntrypoint).handle(new ByteArrayInputStream(event));
      long nanos = System.nanoTime() - t0;
      String source = outcome.source() == null ? "REJECTED" : outcome.source().name();
      Tally tally = bySource.computeIfAbsent(source, s -> new Tally());
      tally.files++;
      tally.nanos += nanos;
      int ok = 0;
      int failed = 0;
      String note = "";
      if (outcome.batch() != null) {
        for (RecordResult r : outcome.batch().records()) {
          tally.records++;
          records++;
          tally.events += r.record().events().size();
          if (r.succeeded()) {
            ok++;
            tally.succeeded++;
          } else {
            failed++;
            if (r.status() == RecordResult.Status.NOT_ATTEMPTED) {
              tally.notAttempted++;
            } else {
              tally.failed++;
            }
            if (note.isEmpty()) {
              note = "#" + r.record().index() + " " + r.reason();
            }
          }
        }
      }
      if (outcome.failed() && note.isEmpty()) {
        note = outcome.error().getClass().getSimpleName() + ": " + outcome.error().getMessage();
      }
      boolean anyFailure = failed > 0 || outcome.failed();
      boolean asExpected = expectBad == anyFailure;
      if (!asExpected) {
        unexpected++;
        note = (expectBad ? "UNEXPECTED: accepted a bad sample " : "UNEXPECTED: ") + note;
      } else if (expectBad) {
        note = "rejected as expected: " + note;
      } else if (unmapped != null) {
        note = "table " + unmapped + " is not mapped: acknowledged with " + UNHANDLED_EVENTS + "=ignore";
      }
      out.printf("%-48s %-16s %7d %7d %7d  %s%n", name, source, ok + failed, ok, failed, abbreviate(note, 160));
    }
    long totalMillis = (System.nanoTime() - started) / 1_000_000;
    out.println();
    out.printf("%-16s %6s %8s %7s %7s %7s %13s %9s%n", "source", "files", "records", "events", "ok", "failed", "not attempted", "ms");
    ObjectNode summary = JSON.createObjectNode();
    ObjectNode sources = summary.putObject("sources");
    bySource.forEach((source, t) -> {
      out.printf("%-16s %6d %8d %7d %7d %7d %13d %9.1f%n", source, t.files, t.records, t.events, t.succeeded, t.failed, t.notAttempted, t.nanos / 1e6);
      ObjectNode s = sources.putObject(source);
      s.put("files", t.files);
      s.put("records", t.records);
      s.put("events", t.events);
      s.put("succeeded", t.succeeded);
      s.put("failed", t.failed);
      s.put("notAttempted", t.notAttempted);
    });
    out.printf("%nEventFactoryFunction: %d files, %d records, container init %d ms, total %d ms; %d unexpected%n",
        files.size(), records, initMillis, totalMillis, unexpected);
    summary.put("files", files.size());
    summary.put("records", records);
    summary.put("unexpected", unexpected);
    summary.put("initMillis", initMillis);
    summary.put("totalMillis", totalMillis);
    out.println(summary);
    return unexpected == 0 ? 0 : 1;
  }

  /**
   * The table of a DynamoDB stream sample when the function maps none of its records' tables, else {@code null}
   * (not a stream sample, or one the example handles).
   */
  private static String unmappedStreamTable(byte[] event, TableMappings mappings) {
    JsonNode records;
    try {
      records = JSON.readTree(event).path("Records");
    } catch (IOException e) {
      return null;
    }
    String table = null;
    for (JsonNode record : records) {
      String arn = record.path("eventSourceARN").asText("");
      int start = arn.indexOf(":table/");
      if (!"aws:dynamodb".equals(record.path("eventSource").asText()) || start < 0) {
        return null;
      }
      int end = arn.indexOf('/', start + ":table/".length());
      table = arn.substring(start + ":table/".length(), end < 0 ? arn.length() : end);
      if (mappings.forTable(table).isPresent()) {
        return null;
      }
    }
    return table;
  }

  private static String abbreviate(String text, int max) {
    String oneLine = text.replace('\n', ' ');
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 3) + "...";
  }
}
