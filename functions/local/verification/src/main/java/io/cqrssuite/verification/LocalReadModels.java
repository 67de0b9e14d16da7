package io.cqrssuite.verification;

import io.cqrssuite.testing.engine.OpenSearchEngine;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.SchemaMigrations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The read models' embedded defaults for a local run: PostgreSQL and an OpenSearch node in this JVM, schema
 * migrated with Flyway from {@code infra/sql/postgresql}, index template and aliases from {@code infra/opensearch}
 * — what a deployment does at deploy time, done at local start. Each engine starts only when the environment names
 * no endpoint of its own.
 */
public final class LocalReadModels implements AutoCloseable {
  private final PostgresEngine postgres;
  private final OpenSearchEngine openSearch;
  private final Map<String, String> settings;

  private LocalReadModels(PostgresEngine postgres, OpenSearchEngine openSearch, Map<String, String> settings) {
    this.postgres = postgres;
    this.openSearch = openSearch;
    this.settings = Map.copyOf(settings);
  }

  /**
   * Starts what {@code environment} lacks and returns the variables that point the function at it (to be merged
   * over the environment). {@code progress} gets one line per engine, or nothing when {@code null}.
   */
  public static LocalReadModels start(Path root, Map<String, String> environment, PrintStream progress) throws IOException {
    return start(root, environment, progress, Set.of("SUITE_RDS_URL", "SUITE_OPENSEARCH_ENDPOINT"));
  }

  /** Only the engines whose variable is in {@code wanted} are considered. */
  public static LocalReadModels start(Path root, Map<String, String> environment, PrintStream progress, Set<String> wanted)
      throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    PostgresEngine postgres = null;
    OpenSearchEngine openSearch = null;
    try {
      if (wanted.contains("SUITE_RDS_URL") && blank(environment.get("SUITE_RDS_URL"))) {
        long t0 = System.nanoTime();
        postgres = PostgresEngine.start();
        settings.put("SUITE_RDS_URL", postgres.jdbcUrl());
        settings.put("SUITE_RDS_USER", postgres.user());
        settings.put("SUITE_RDS_PASSWORD", postgres.password());
        settings.put("SUITE_RDS_IAM_AUTH", "false");
        // Blank, not the deployed secret: the embedded engine's password is the one above.
        settings.put("SUITE_RDS_SECRET_ARN", "");
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(settings);
        RdsSettings rds = RdsSettings.fromEnvironment(merged);
        int applied = SchemaMigrations.of(rds).migrate(rds);
        say(progress, "embedded PostgreSQL %s ready in %d ms (%d migration(s) applied)", postgres.jdbcUrl(), (System.nanoTime() - t0) / 1_000_000, applied);
      }
      if (wanted.contains("SUITE_OPENSEARCH_ENDPOINT") && blank(environment.get("SUITE_OPENSEARCH_ENDPOINT"))) {
        long t0 = System.nanoTime();
        openSearch = OpenSearchEngine.start();
        settings.put("SUITE_OPENSEARCH_ENDPOINT", openSearch.endpoint().toString());
        settings.put("SUITE_OPENSEARCH_SIGV4", "false");
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(settings);
        OpenSearchSettings search = OpenSearchSettings.fromEnvironment(merged).orElseThrow();
        OpenSearchClient client = OpenSearchClients.create(search, merged.getOrDefault("AWS_REGION", "us-east-1"));
        new OpenSearchIndexes(client, search.indexNames(), OpenSearchIndexes.template(search.templateResource())).ensure();
        say(progress, "embedded OpenSearch %s ready in %d ms (index %s behind alias %s)", openSearch.endpoint(),
            (System.nanoTime() - t0) / 1_000_000, search.indexNames().initialIndex(), search.indexNames().readAlias());
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(openSearch);
      closeQuietly(postgres);
      throw e;
    }
    return new LocalReadModels(postgres, openSearch, settings);
  }

  /** The variables that point a function at the embedded engines (empty for an engine not started). */
  public Map<String, String> settings() {
    return settings;
  }

  @Override
  public void close() {
    closeQuietly(openSearch);
    closeQuietly(postgres);
  }

  private static void closeQuietly(AutoCloseable engine) {
    if (engine != null) {
      try {
        engine.close();
      } catch (Exception e) {
        // Shutting down a local engine: nothing is lost if it complains.
      }
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static void say(PrintStream progress, String format, Object... args) {
    if (progress != null) {
      progress.printf(format + "%n", args);
    }
  }
}
