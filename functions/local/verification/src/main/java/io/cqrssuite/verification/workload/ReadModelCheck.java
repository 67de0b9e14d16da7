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
import java.util.Objects;

/**
 * Compares the read models with the {@link ExpectedState}, reading them the way a user would (plain SQL on the
 * tables and the live view, plain HTTP on the OpenSearch read alias), not through the suite's own sync code.
 *
 * <p>An entity is a mismatch in a read model when it is alive in the log but missing, at another version, or with
 * other field values; when it is deleted in the log but visible; or when the read model shows an id the log never
 * had.
 */
public final class ReadModelCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_EXAMPLES = 5;

  /**
   * What one read model looks like against the log. {@code mismatches} counts every entity that differs; three of
   * its kinds are counted apart because they are the failures an at-least-once, reordering delivery provokes:
   * {@code lost} (alive in the log, missing), {@code stale} (alive in the log, visible at an older version) and
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

  private ReadModelCheck() {}

  /** PostgreSQL / MariaDB: {@code product} holds rows and tombstones, {@code product_live} what readers see. */
  public static Report relational(String jdbcUrl, String user, String password, ExpectedState expected) throws SQLException {
    Map<String, Object[]> live = new HashMap<>();
    long stored;
    try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        Statement statement = connection.createStatement()) {
      try (ResultSet rows = statement.executeQuery("SELECT id, version, name, price, category, is_active FROM product_live")) {
        while (rows.next()) {
          live.put(rows.getString(1), new Object[] {rows.getLong(2), rows.getString(3), rows.getLong(4), rows.getString(5), rows.getBoolean(6)});
        }
      }
      try (ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM product")) {
        count.next();
        stored = count.getLong(1);
      }
    }
    long visible = live.size();
    Tally tally = new Tally();
    for (ExpectedState.Entry entry : expected.entities().values()) {
      Object[] row = live.remove(entry.id());
      tally.add(compare(entry, row == null ? null : new Seen((Long) row[0], (String) row[1], (Long) row[2], (String) row[3], (Boolean) row[4])));
    }
    for (String unknown : live.keySet()) {
      tally.add(new Problem(Kind.OTHER, unknown + ": visible in product_live but never in the log"));
    }
    return tally.report("relational", visible, stored);
  }

  /** OpenSearch: every document visible through the read alias, with its external version. */
  public static Report search(String endpoint, String readAlias, String concreteIndexOrAlias, ExpectedState expected)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    post(http, endpoint + "/" + concreteIndexOrAlias + "/_refresh", "{}");
    Map<String, Seen> visible = new HashMap<>();
    JsonNode page =
        post(http, endpoint + "/" + readAlias + "/_search?scroll=1m",
            "{\"size\":1000,\"version\":true,\"query\":{\"match_all\":{}},\"_source\":[\"version\",\"name\",\"price\",\"category\",\"isActive\"]}");
    while (true) {
      JsonNode hits = page.path("hits").path("hits");
      if (hits.isEmpty()) {
        break;
      }
      for (JsonNode hit : hits) {
        JsonNode source = hit.path("_source");
        long version = hit.path("_version").asLong();
        if (source.path("version").asLong(version) != version) {
          version = -version; // _source and external version disagree: reported as a version mismatch
        }
        visible.put(hit.path("_id").asText(), new Seen(version, source.path("name").asText(null), source.path("price").asLong(),
            source.path("category").asText(null), source.path("isActive").asBoolean()));
      }
      page = post(http, endpoint + "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + page.path("_scroll_id").asText() + "\"}");
    }
    JsonNode stored = post(http, endpoint + "/" + concreteIndexOrAlias + "/_count", "{\"query\":{\"match_all\":{}}}");
    Tally tally = new Tally();
    long seen = visible.size();
    for (ExpectedState.Entry entry : expected.entities().values()) {
      tally.add(compare(entry, visible.remove(entry.id())));
    }
    for (String unknown : visible.keySet()) {
      tally.add(new Problem(Kind.OTHER, unknown + ": visible through the read alias but never in the log"));
    }
    return tally.report("search", seen, stored.path("count").asLong());
  }

  /** A read model's view of one entity. */
  private record Seen(long version, String name, long price, String category, boolean active) {}

  private static Problem compare(ExpectedState.Entry entry, Seen seen) {
    if (entry.deleted()) {
      return seen == null
          ? null
          : new Problem(Kind.RESURRECTED, entry.id() + ": deleted at v" + entry.version() + " but visible at v" + seen.version());
    }
    if (seen == null) {
      return new Problem(Kind.LOST, entry.id() + ": alive at v" + entry.version() + " but missing");
    }
    if (seen.version() != entry.version()) {
      // A negative version marks _source and _version disagreeing: not simply older.
      Kind kind = seen.version() >= 0 && seen.version() < entry.version() ? Kind.STALE : Kind.OTHER;
      return new Problem(kind, entry.id() + ": expected v" + entry.version() + ", found v" + seen.version());
    }
    JsonNode image = entry.image();
    if (!Objects.equals(image.path("name").asText(null), seen.name())
        || image.path("price").asLong() != seen.price()
        || !Objects.equals(image.path("category").asText(null), seen.category())
        || image.path("isActive").asBoolean() != seen.active()) {
      return new Problem(Kind.OTHER, entry.id() + ": v" + entry.version() + " with other field values than the log");
    }
    return null;
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
