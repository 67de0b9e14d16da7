package io.cqrssuite.sync.rds;

import io.cqrssuite.sync.ChangeSelector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlDialectTest {
  private static final RowLayout LAYOUT =
      RowLayout.of(
          new RdsTableMapping(
              "product",
              List.of(RdsColumn.of("name", "name", RdsColumnType.TEXT), RdsColumn.of("tags", "tags", RdsColumnType.JSON)),
              new ChangeSelector.PkPrefix("PRODUCT#")));

  @Test
  void theUrlSchemePicksTheDialect() {
    assertThat(SqlDialect.forJdbcUrl("jdbc:postgresql://db:5432/x")).isInstanceOf(PostgresDialect.class);
    assertThat(SqlDialect.forJdbcUrl("jdbc:mariadb://db/x")).isInstanceOf(MariaDbDialect.class);
    assertThat(SqlDialect.forJdbcUrl("jdbc:mysql://db/x")).isInstanceOf(MariaDbDialect.class);
    assertThatThrownBy(() -> SqlDialect.forJdbcUrl("jdbc:oracle:thin:@//db:1521/x?password=secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
  }

  @Test
  void postgresGuardsTheUpdateByVersionAndLetsATombstoneWinAtEqualVersion() {
    String sql = new PostgresDialect().upsertSql(LAYOUT);

    assertThat(sql)
        .startsWith("INSERT INTO product AS stored (id, pk, code, name, tags, synced_at, is_deleted, version)")
        .contains("CAST(? AS jsonb)")
        .contains("ON CONFLICT (id) DO UPDATE SET pk = EXCLUDED.pk")
        .endsWith(
            "WHERE stored.version < EXCLUDED.version"
                + " OR (stored.version = EXCLUDED.version AND EXCLUDED.is_deleted AND NOT stored.is_deleted)");
  }

  @Test
  void mariaDbAssignsIsDeletedThenVersionLastSoTheGuardReadsStoredValues() {
    String sql = new MariaDbDialect().upsertSql(LAYOUT);
    String updates = sql.substring(sql.indexOf("ON DUPLICATE KEY UPDATE"));

    assertThat(sql).doesNotContain(" AS new");
    assertThat(updates.indexOf("tags = IF(")).isLessThan(updates.indexOf("is_deleted = IF("));
    assertThat(updates.indexOf("is_deleted = IF(")).isLessThan(updates.indexOf("version = IF("));
    assertThat(updates).endsWith("VALUES(version), version)");
    assertThat(new MariaDbDialect().connectionProperties())
        .containsEntry("useAffectedRows", "true")
        .containsEntry("useBulkStmts", "false")
        .containsEntry("useBulkStmtsForInserts", "false");
  }

  /**
   * PostgreSQL rounds a bound timestamp to the microsecond, so a value 300 ns before a millisecond boundary is stored
   * in the next millisecond; MariaDB truncates. Reconcile compares through asStored, or it would call such a row drifted
   * (it did, for about two of the run's 4,000 import timestamps).
   */
  @Test
  void aTimestampIsComparedAsTheEngineStoresIt() {
    Instant edge = Instant.parse("2026-12-05T10:00:00.123999700Z");
    assertThat(new PostgresDialect().asStored(edge).truncatedTo(ChronoUnit.MILLIS))
        .isEqualTo(Instant.parse("2026-12-05T10:00:00.124Z"));
    assertThat(new MariaDbDialect().asStored(edge).truncatedTo(ChronoUnit.MILLIS))
        .isEqualTo(Instant.parse("2026-12-05T10:00:00.123Z"));
  }
}
