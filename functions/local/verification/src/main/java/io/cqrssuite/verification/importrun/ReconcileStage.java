package io.cqrssuite.verification.importrun;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.operations.Reconciler;
import io.cqrssuite.reconcile.Difference;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.verification.cloud.LocalCloud;
import io.cqrssuite.verification.operations.CatalogOperations;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The run's operations stage (issue 13, point 6): after the live sync, the read models are damaged on purpose behind
 * the sync's back, through plain SQL and plain HTTP (never through the suite's code): rows deleted, a row set to an
 * older version, a row edited at the same version, a tombstone made visible, an orphan row; documents dropped and an
 * orphan document. Then a full reconcile of the data table with both read models must find exactly that damage, and a
 * heal must leave nothing: {@code ops: {damaged, found, healed, remaining}}.
 *
 * <p>The reconcile is scoped to the tenants the data table holds (the command path's and the import's): the stream
 * job's products reach the read models straight from its stream records, with no data table behind them.
 */
final class ReconcileStage {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final Set<String> TENANTS = Set.of("PRODUCT#" + CommandStage.TENANT, "PRODUCT#" + WorkflowStages.IMPORT_TENANT);

  private ReconcileStage() {}

  /** What the stage did, for the run's summary. */
  record Report(int damaged, int found, long healed, long remaining, double seconds) {
    boolean ok() {
      return found == damaged && healed == found && remaining == 0;
    }
  }

  static Report run(LocalCloud cloud, Map<String, String> functionEnv, PrintStream out) throws Exception {
    long t0 = System.nanoTime();
    RdsSettings rdsSettings = RdsSettings.fromEnvironment(functionEnv);
    OpenSearchSettings searchSettings = OpenSearchSettings.fromEnvironment(functionEnv).orElseThrow();
    int damaged = damage(rdsSettings, searchSettings);
    // The function's read models, with the local cloud's places (its DynamoDB, S3 and tables) over the rest.
    Map<String, String> env = new HashMap<>(functionEnv);
    env.putAll(cloud.environment());
    try (CatalogOperations operations =
        CatalogOperations.open(env, null, Set.of(CatalogOperations.RDS, CatalogOperations.OPENSEARCH))) {
      return reconcile(operations, damaged, t0, out);
    }
  }

  private static Report reconcile(CatalogOperations operations, int damaged, long t0, PrintStream out) throws Exception {
    Predicate<String> scope = id -> TENANTS.contains(id.substring(0, Math.max(0, id.lastIndexOf('#'))));
    Reconciler reconciler = new Reconciler(operations.source(), operations.targets(), JSON, Clock.systemUTC());
    Reconciler.Result found = reconciler.run(Reconciler.Options.full().within(scope), null);
    Reconciler.Result healed = reconciler.run(Reconciler.Options.full().within(scope).healing(true), null);
    int foundCount = (int) found.differences().stream().filter(d -> d.kind().needsHealing()).count();
    Report report =
        new Report(damaged, foundCount, healed.json().path("healed").asLong(), healed.remaining(), (System.nanoTime() - t0) / 1e9);
    out.printf("reconcile  %d differences made by hand (SQL and HTTP), %d found (%s), %d healed, %d remaining in %.2f s%n",
        damaged, foundCount, kinds(found.differences()), report.healed(), report.remaining(), report.seconds());
    // Anything found beyond the damage, or left after the heal, is named: the run's check is exact.
    if (foundCount != damaged) {
      found.differences().stream().filter(d -> d.kind().needsHealing()).forEach(d -> out.println("  found: " + d));
    }
    healed.json().path("remainingDifferences").forEach(d -> out.println("  remaining: " + d));
    return report;
  }

  private static String kinds(List<Difference> differences) {
    Map<String, Integer> counts = new TreeMap<>();
    differences.forEach(d -> counts.merge(d.kind().name().toLowerCase(Locale.ROOT), 1, Integer::sum));
    return counts.toString();
  }

  /** The damage, each kind once or twice; returns how many differences it makes. */
  private static int damage(RdsSettings rds, OpenSearchSettings search) throws Exception {
    List<String> live = new ArrayList<>();
    String tombstone;
    try (Connection connection = DriverManager.getConnection(rds.url(), rds.user(), rds.password());
        Statement sql = connection.createStatement()) {
      try (ResultSet rows = sql.executeQuery(
          "SELECT id FROM product WHERE pk = 'PRODUCT#" + WorkflowStages.IMPORT_TENANT + "' AND NOT is_deleted ORDER BY id LIMIT 7")) {
        while (rows.next()) {
          live.add(rows.getString(1));
        }
      }
      try (ResultSet rows = sql.executeQuery(
          "SELECT id FROM product WHERE pk = 'PRODUCT#" + CommandStage.TENANT + "' AND is_deleted ORDER BY id LIMIT 1")) {
        tombstone = rows.next() ? rows.getString(1) : null;
      }
      if (live.size() < 7 || tombstone == null) {
        throw new IllegalStateException("the run's read models lack the rows to damage: " + live.size() + " live, tombstone " + tombstone);
      }
      sql.executeUpdate("DELETE FROM product WHERE id IN ('" + live.get(0) + "', '" + live.get(1) + "')");   // lost x2
      sql.executeUpdate("UPDATE product SET version = version - 1 WHERE id = '" + live.get(2) + "'");      // stale
      sql.executeUpdate("UPDATE product SET name = 'edited by hand' WHERE id = '" + live.get(3) + "'");    // drifted
      sql.executeUpdate("UPDATE product SET is_deleted = FALSE WHERE id = '" + tombstone + "'");          // resurrected
      sql.executeUpdate("INSERT INTO product (id, pk, code, name, version, is_deleted, synced_at) VALUES ('PRODUCT#"
          + WorkflowStages.IMPORT_TENANT + "#ORPHAN-1', 'PRODUCT#" + WorkflowStages.IMPORT_TENANT + "', 'ORPHAN-1', 'no source', 1,"
          + " FALSE, now())");                                                                                 // orphaned
    } catch (SQLException e) {
      throw new IllegalStateException("damaging the relational read model failed: " + e.getMessage(), e);
    }
    String index = search.endpoint().toString().replaceAll("/+$", "") + "/" + search.indexNames().writeAlias();
    HttpClient http = HttpClient.newHttpClient();
    for (String id : List.of(live.get(4), live.get(5))) {                                                     // lost x2
      send(http, HttpRequest.newBuilder(URI.create(index + "/_doc/" + encode(id))).DELETE().build(), 200);
    }
    String orphanId = "PRODUCT#" + WorkflowStages.IMPORT_TENANT + "#ORPHAN-2";
    String orphan = "{\"id\": \"" + orphanId + "\", \"pk\": \"PRODUCT#" + WorkflowStages.IMPORT_TENANT
        + "\", \"code\": \"ORPHAN-2\", \"version\": 1, \"is_deleted\": false, \"name\": \"no source\"}";
    send(http, HttpRequest.newBuilder(URI.create(index + "/_doc/" + encode(orphanId) + "?refresh=true"))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(orphan)).build(), 201); // orphaned
    send(http, HttpRequest.newBuilder(URI.create(index + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(), 200);
    return 9;
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  private static void send(HttpClient http, HttpRequest request, int expected) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": " + response.body());
    }
  }
}
