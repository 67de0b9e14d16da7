package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.retry.InvocationDeadline;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The statement and lock limits a transaction starts with are the session's, set only when the time left calls for
 * another value: the round trip a {@code SET LOCAL} cost every chunk is gone, and the bound still holds, through a
 * rollback, and for an invocation with less time left on the same pooled connection.
 */
class SessionLimitTest {
  @Test
  void theLimitIsTheTimeLeftRoundedDownNeverAbove() {
    assertThat(RdsConnections.sessionLimit(Duration.ofMillis(56_987))).isEqualTo(56_000);
    assertThat(RdsConnections.sessionLimit(Duration.ofMillis(57_003))).isEqualTo(57_000);
    assertThat(RdsConnections.sessionLimit(Duration.ofMillis(1_950))).isEqualTo(1_900);
    assertThat(RdsConnections.sessionLimit(Duration.ofMillis(60))).isEqualTo(60);
    assertThat(RdsConnections.sessionLimit(Duration.ZERO)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void theSessionKeepsItsLimitThroughARollbackAndALeaseWithLessTimeGetsLess(String engineName) throws Exception {
    RdsFixture fixture = RdsFixture.of(engineName);
    InvocationDeadline deadline = new InvocationDeadline(Clock.systemUTC(), Duration.ofSeconds(2));
    String url = fixture.engine.jdbcUrl();
    try (RdsConnections connections =
        new RdsConnections(SqlDialect.forJdbcUrl(url), url, fixture.engine.user(), PasswordSource.fixed(fixture.engine.password()), deadline, 1)) {
      deadline.begin(60_000);
      long first;
      try (RdsConnections.Lease lease = connections.borrow()) {
        lease.limitTransaction();
        long left = deadline.remaining().toMillis();
        first = statementLimitMillis(engineName, lease.connection());
        assertThat(first).as("the time left (%d ms) rounded down to the second", left).isBetween(left - 1_100, left);
        lease.connection().rollback();
        assertThat(statementLimitMillis(engineName, lease.connection())).as("after a rollback").isEqualTo(first);
      }
      deadline.end();

      // The same connection (pool of one) for an invocation with 10 s to go: its transactions get at most that.
      deadline.begin(10_000);
      try (RdsConnections.Lease lease = connections.borrow()) {
        lease.limitTransaction();
        long left = deadline.remaining().toMillis();
        long limit = statementLimitMillis(engineName, lease.connection());
        assertThat(limit).as("the time left (%d ms) rounded down to the second", left).isBetween(left - 1_100, left).isLessThan(first);
        lockLimitAgrees(engineName, lease.connection(), limit);
      }
      deadline.end();
    }
  }

  @Test
  void aSessionThatHoldsTheLimitIsSentNothing() throws Exception {
    RdsFixture fixture = RdsFixture.of("postgresql");
    InvocationDeadline deadline = new InvocationDeadline(Clock.systemUTC(), Duration.ofSeconds(2));
    String url = fixture.engine.jdbcUrl();
    try (RdsConnections connections =
        new RdsConnections(SqlDialect.forJdbcUrl(url), url, fixture.engine.user(), PasswordSource.fixed(fixture.engine.password()), deadline, 1)) {
      deadline.begin(60_000);
      try (RdsConnections.Lease lease = connections.borrow()) {
        lease.limitTransaction();
        Connection connection = lease.connection();
        connection.commit();
        // A mark behind the pool's back: another SET from the pool would overwrite it.
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          statement.execute("SET statement_timeout = 1234567");
        }
        connection.setAutoCommit(false);
        // The same invocation a moment later: the same rounded limit, so nothing is sent.
        lease.limitTransaction();
        assertThat(statementLimitMillis("postgresql", connection)).isEqualTo(1_234_567L);
      }
      deadline.end();
    }
  }

  private static long statementLimitMillis(String engine, Connection connection) throws SQLException {
    String sql = engine.equals("postgresql")
        ? "SELECT setting::bigint FROM pg_settings WHERE name = 'statement_timeout'"
        : "SELECT CAST(@@max_statement_time * 1000 AS SIGNED)";
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      long value = rows.getLong(1);
      connection.commit();
      return value;
    }
  }

  private static void lockLimitAgrees(String engine, Connection connection, long statementMillis) throws SQLException {
    String sql = engine.equals("postgresql")
        ? "SELECT setting::bigint FROM pg_settings WHERE name = 'lock_timeout'"
        : "SELECT @@innodb_lock_wait_timeout * 1000";
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      long lockMillis = rows.getLong(1);
      connection.commit();
      // MariaDB counts lock waits in whole seconds.
      assertThat(lockMillis).isBetween(statementMillis - 1000, statementMillis);
    }
  }
}
