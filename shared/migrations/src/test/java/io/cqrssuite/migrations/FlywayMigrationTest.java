package io.cqrssuite.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.cqrssuite.testing.polling.Eventually;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flyway with lock and statement timeouts on the real engines: a lock held by another session makes an attempt time
 * out and the migration succeeds on a later attempt once it is released; a lock never released fails after three; a
 * syntax error fails after exactly one. And the pre-checks name a session holding such a lock before anything runs.
 */
class FlywayMigrationTest extends MigrationFixture {
  private static final String TIMEOUT_STATE = "SQLState 55P03|vendor code 1205";

  /** Another session with an open transaction that wrote a row of item: it holds locks a DDL statement must wait for. */
  private Connection holdLock() throws Exception {
    Connection holder = connect();
    holder.setAutoCommit(false);
    try (Statement statement = holder.createStatement()) {
      statement.executeUpdate("UPDATE item SET name = name WHERE code = 'I-1'");
    }
    return holder;
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aLockedTableTimesOutAnAttemptAndTheMigrationSucceedsOnceTheLockIsReleased(String engineName) throws Exception {
    database(engineName);
    List<String> reasons = new ArrayList<>();
    try (Connection holder = holdLock()) {
      FlywayMigration.Applied applied = flyway("add-column").migrate((attempt, reason, retrying) -> {
        reasons.add(attempt + " " + retrying + " " + reason);
        // The session ends its transaction while the migration backs off.
        holder.rollback();
      });

      assertThat(applied.attempts()).isEqualTo(2);
      assertThat(applied.migrations()).isEqualTo(1);
    }
    assertThat(reasons).singleElement().asString().startsWith("1 true").containsPattern(TIMEOUT_STATE);
    assertThat(columns("item")).contains("colour");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aLockNeverReleasedFailsAfterThreeAttemptsWithoutChangingTheTable(String engineName) throws Exception {
    database(engineName);
    List<Integer> attempts = new ArrayList<>();
    try (Connection holder = holdLock()) {
      assertThatThrownBy(() -> flyway("add-column").migrate((attempt, reason, retrying) -> attempts.add(attempt)))
          .isInstanceOfSatisfying(MigrationFailedException.class, e -> {
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.kind()).isEqualTo("timeout");
          })
          .hasMessageContaining("timed out")
          .hasMessageFindingMatch(TIMEOUT_STATE);
      holder.rollback();
    }
    assertThat(attempts).containsExactly(1, 2, 3);
    assertThat(columns("item")).doesNotContain("colour");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aSyntaxErrorFailsAfterExactlyOneAttempt(String engineName) throws Exception {
    database(engineName);
    List<String> reasons = new ArrayList<>();
    assertThatThrownBy(() -> flyway("syntax").migrate((attempt, reason, retrying) -> reasons.add(attempt + " " + retrying)))
        .isInstanceOfSatisfying(MigrationFailedException.class, e -> {
          assertThat(e.attempts()).isEqualTo(1);
          assertThat(e.kind()).isEqualTo("syntax");
        })
        .hasMessageContaining("SQLState 42");
    assertThat(reasons).containsExactly("1 false");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void thePreChecksNameASessionHoldingALockAndChangeNothing(String engineName) throws Exception {
    database(engineName);
    FlywayMigration flyway = flyway("add-column");
    // Locks in transactions open for a second or more: the sync's own short transactions never count.
    PreChecks checks = new PreChecks(connections, flyway, Duration.ofSeconds(5), Duration.ofSeconds(1), FreeStorage.unknown());
    try (Connection holder = holdLock()) {
      PreCheckReport[] found = new PreCheckReport[1];
      Eventually.await("the held lock is reported once its transaction is a second old", Duration.ofSeconds(10),
          () -> !(found[0] = checks.run(List.of("item"))).passed());
      PreCheckReport report = found[0];

      assertThat(report.passed()).isFalse();
      assertThat(report.lockHolders()).isNotEmpty();
      assertThat(report.lockHolders()).allSatisfy(h -> assertThat(h.table()).isIn("item", "unknown"));
      assertThat(report.failures()).singleElement().asString().contains("lock(s) on the affected tables");
      assertThat(report.toJson(JSON).path("freeBytes").asText()).isEqualTo("unknown");
      holder.rollback();
    }
    PreCheckReport clear = checks.run(List.of("item"));
    assertThat(clear.passed()).as(clear.failures().toString()).isTrue();
    assertThat(clear.pending()).singleElement().asString().startsWith("2 ");
    assertThat(clear.connectMillis()).isBetween(0L, 5000L);
    assertThat(columns("item")).doesNotContain("colour");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql"})
  void aDatabaseThatCannotBeReachedFailsThePreChecks(String engineName) throws Exception {
    database(engineName);
    io.cqrssuite.sync.rds.RdsConnections nowhere = new io.cqrssuite.sync.rds.RdsConnections(
        dialect, "jdbc:postgresql://127.0.0.1:1/none", "x", io.cqrssuite.sync.rds.PasswordSource.fixed("x"));
    PreCheckReport report =
        new PreChecks(nowhere, flyway("add-column"), Duration.ofSeconds(5), Duration.ZERO, FreeStorage.unknown()).run(List.of("item"));
    assertThat(report.passed()).isFalse();
    assertThat(report.failures()).singleElement().asString().startsWith("the database could not be reached: SQLState 08");
  }
}
