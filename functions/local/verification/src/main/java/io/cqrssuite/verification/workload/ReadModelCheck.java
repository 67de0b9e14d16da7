package io.cqrssuite.verification.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compares the read models with the {@link ExpectedState}, reading them the way a user would (plain SQL on the
 * table and the live view, plain HTTP on the OpenSearch aliases), not through the suite's own sync code.
 *
 * <p>Every entity of the log is looked up where tombstones are kept too (the {@code product} table, the index
 * behind the write alias), because a delete must leave a tombstone at its version: absence is a lost delete, which
 * a late, older change would undo. An entity is a mismatch in a read model when it is alive in the log but missing
 * or a tombstone, at another version, with any mapped field other than the log's, or not visible to readers; when
 * it is deleted in the log but visible, without its tombstone, or with a tombstone at another version or of
 * another shape; or when the read model holds an id the log never had.
 */
public final class ReadModelCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_EXAMPLES = 5;

  /**
   * What one read model looks like against the log. {@code visible} counts what readers see, {@code stored} what
   * is kept with tombstones. {@code mismatches} counts every entity that differs; three of its kinds are counted
   * apart because they are the failures an at-least-once, reordering delivery provokes: {@code lost} (alive in the
   * log, missing or a tombstone), {@code stale} (at an older version than the log's last, live or tombstone) and
   * {@code resurrected} (deleted in the log, visible).
   */
  public record Report(String model, long visible, long stored, long mismatches, List<String> examples, long lost, long stale, long resurrected) {}

  /** How an entity differs from the log. */
  enum Kind {
    LOST,
    STALE,
    RESURRECTED,
    OTHER
  }

  private record Problem(Kind kind, String text) {}

  /** Counts problems by kind and keeps a few examples. */
  private static final class Tally {
    final long[] byKind = new long[Kind.values().length];
    final List<String> examples = new ArrayList<>();
    long total;

    void add(Problem problem) {
      if (problem == null) {
        return;
      }
      total++;
      byKind[problem.kind().ordinal()]++;
      note(examples, problem.text());
    }

    Report report(String model, long visible, long stored) {
      return new Report(model, visible, stored, total, examples, byKind[Kind.LOST.ordinal()], byKind[Kind.STALE.ordinal()],
          byKind[Kind.RESURRECTED.ordinal()]);
    }
  }

  /** One entity as a read model stores it: its version, whether it is a tombstone, whether readers see it. */
  private record Stored(long version, boolean tombstone, boolean visible) {}

  private ReadModelCheck() {}

  /**
   * PostgreSQL: {@code product} holds rows and tombstones, every column but {@code synced_at} compared;
   * {@code product_live} is what readers see. A column of the table that the check does not know is a mismatch
   * of its own, so the check cannot silently fall behind the schema.
   */
  public static Report relational(String jdbcUrl, String user, String password, ExpectedState expected) throws SQLException {
    Map<String, ProductRow> rows = new HashMap<>();
    Set<String> live = new HashSet<>();
    List<String> unknownColumns = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        Statement statement = connection.createStatement()) {
      try (ResultSet columns = connection.getMetaData().getColumns(null, null, "product", null)) {
        while (columns.next()) {
          String column = columns.getString("COLUMN_NAME");
          if (!ProductRow.COLUMNS.contains(column) && !ProductRow.UNCOMPARED.contains(column)) {
            unknownColumns.add(column);
          }
        }
      }
      try (ResultSet cursor = statement.executeQuery(ProductRow.SELECT)) {
        while (cursor.next()) {
          ProductRow row = ProductRow.read(cursor);
          rows.put(row.id(), row);
        }
      }
      try (ResultSet cursor = statement.executeQuery("SELECT id FROM product_live")) {
        while (cursor.next()) {
          live.add(cursor.getString(1));
        }
      }
    }
    long stored = rows.size();
    long visible = live.size();
    Tally tally = new Tally();
    for (String column : unknownColumns) {
      tally.add(new Problem(Kind.OTHER, "product." + column + ": a column the check does not compare"));
    }
    for (ExpectedState.Entry entry : expected.entities().values()) {
      ProductRow row = rows.remove(entry.id());
      Stored seen = row == null ? null : new Stored(row.version(), row.deleted(), live.remove(entry.id()));
      Problem problem = compare(entry, seen, "product_live");
      if (problem == null) {
        List<String> columns = ProductRow.expected(entry).differences(row);
        if (!columns.isEmpty()) {
          problem = new Problem(Kind.OTHER, entry.id() + ": " + state(entry) + " with other values than the log in " + columns);
        }
      }
      tally.add(problem);
    }
    for (String unknown : rows.keySet()) {
      tally.add(new Problem(Kind.OTHER, unknown + ": stored in product but never in the log"));
    }
    return tally.report("relational", visible, stored);
  }

  /**
   * OpenSearch: every document of the index behind {@code writeAlias} (tombstones included), with its external
   * version and whole {@code _source}; and which of them {@code readAlias} lets readers see.
   */
  public static Report search(String endpoint, String readAlias, String writeAlias, ExpectedState expected)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    post(http, endpoint + "/" + writeAlias + "/_refresh", "{}");
    Map<String, JsonNode> documents = new HashMap<>();
    Map<String, Long> versions = new HashMap<>();
    scroll(http, endpoint, writeAlias, "{\"size\":1000,\"version\":true,\"query\":{\"match_all\":{}}}", hit -> {
      documents.put(hit.path("_id").asText(), hit.path("_source"));
      versions.put(hit.path("_id").asText(), hit.path("_version").asLong());
    });
    Set<String> visible = new HashSet<>();
    scroll(http, endpoint, readAlias, "{\"size\":1000,\"_source\":false,\"query\":{\"match_all\":{}}}", hit -> visible.add(hit.path("_id").asText()));
    long seen = visible.size();
    long stored = documents.size();
    Tally tally = new Tally();
    for (ExpectedState.Entry entry : expected.entities().values()) {
      JsonNode source = documents.remove(entry.id());
      Problem problem;
      if (source != null && source.path("version").asLong(-1) != versions.get(entry.id())) {
        problem = new Problem(Kind.OTHER, entry.id() + ": _source version v" + source.path("version").asText() + " but external version v"
            + versions.get(entry.id()));
      } else {
        Stored document = source == null ? null : new Stored(versions.get(entry.id()), source.path("is_deleted").asBoolean(), visible.remove(entry.id()));
        problem = compare(entry, document, "the read alias");
        if (problem == null) {
          List<String> fields = ProductDocument.differences(entry, source);
          if (!fields.isEmpty()) {
            problem = new Problem(Kind.OTHER, entry.id() + ": " + state(entry) + " with other values than the log in " + fields);
          }
        }
      }
      tally.add(problem);
    }
    for (String unknown : documents.keySet()) {
      tally.add(new Problem(Kind.OTHER, unknown + ": stored in the index but never in the log"));
    }
    return tally.report("search", seen, stored);
  }

  private static String state(ExpectedState.Entry entry) {
    return (entry.deleted() ? "tombstone" : "live") + " at v" + entry.version();
  }

  /**
   * Version, deletion and visibility of one entity against its last command; {@code null} when they agree, and
   * the fields are to be compared next.
   */
  private static Problem compare(ExpectedState.Entry entry, Stored seen, String readers) {
    String id = entry.id();
    if (entry.deleted()) {
      if (seen == null) {
        return new Problem(Kind.OTHER, id + ": deleted at v" + entry.version() + " but no tombstone (absent)");
      }
      if (!seen.tombstone() || seen.visible()) {
        return new Problem(Kind.RESURRECTED, id + ": deleted at v" + entry.version() + " but visible at v" + seen.version());
      }
      if (seen.version() != entry.version()) {
        Kind kind = seen.version() < entry.version() ? Kind.STALE : Kind.OTHER;
        return new Problem(kind, id + ": tombstone expected at v" + entry.version() + ", found at v" + seen.version());
      }
      return null;
    }
    if (seen == null) {
      return new Problem(Kind.LOST, id + ": alive at v" + entry.version() + " but missing");
    }
    if (seen.tombstone()) {
      return new Problem(seen.version() < entry.version() ? Kind.LOST : Kind.OTHER,
          id + ": alive at v" + entry.version() + " but a tombstone at v" + seen.version());
    }
    if (seen.version() != entry.version()) {
      Kind kind = seen.version() < entry.version() ? Kind.STALE : Kind.OTHER;
      return new Problem(kind, id + ": expected v" + entry.version() + ", found v" + seen.version());
    }
    if (!seen.visible()) {
      return new Problem(Kind.OTHER, id + ": live at v" + entry.version() + " but not visible through " + readers);
    }
    return null;
  }

  private static void scroll(HttpClient http, String endpoint, String target, String query, Consumer<JsonNode> each)
      throws IOException, InterruptedException {
    JsonNode page = post(http, endpoint + "/" + target + "/_search?scroll=1m", query);
    while (true) {
      JsonNode hits = page.path("hits").path("hits");
      if (hits.isEmpty()) {
        break;
      }
      hits.forEach(each);
      page = post(http, endpoint + "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + page.path("_scroll_id").asText() + "\"}");
    }
  }

  private static void note(List<String> examples, String problem) {
    if (examples.size() < MAX_EXAMPLES) {
      examples.add(problem);
    }
  }

  private static JsonNode post(HttpClient http, String url, String body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IOException("POST " + url + " -> " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
