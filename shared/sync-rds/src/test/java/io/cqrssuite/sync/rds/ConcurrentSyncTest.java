package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.testing.polling.Eventually;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lambda Managed Instances: one handler object serves several invocations at once, each on its own thread. The
 * relational sync lends each its own connection from a small pool: an invocation stuck behind a row another session
 * locked does not hold up the others, and the pool never opens more connections than its size.
 */
class ConcurrentSyncTest {
  private static final int POOL = 3;

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void anInvocationWaitingOnALockDoesNotHoldUpTheOthers(String engineName) throws Exception {
    RdsFixture fixture = RdsFixture.of(engineName);
    AtomicInteger logins = new AtomicInteger();
    PasswordSource counting = new PasswordSource() {
      @Override
      public String password() {
        logins.incrementAndGet();
        return fixture.engine.password();
      }
    };
    InvocationDeadline deadline = new InvocationDeadline(Clock.systemUTC(), Duration.ofSeconds(2));
    String url = fixture.engine.jdbcUrl();
    try (RdsConnections connections =
        new RdsConnections(SqlDialect.forJdbcUrl(url), url, fixture.engine.user(), counting, deadline, POOL)) {
      RdsSyncHandler handler =
          new RdsSyncHandler(connections, new RdsSchema(connections, List.of(ProductTable.product())), Clock.systemUTC());
      String locked = RdsFixture.newCode();
      assertThat(handler.sync(List.of(RdsFixture.product(locked, 1)))).containsExactly(SyncOutcome.APPLIED);

      ExecutorService invocations = Executors.newFixedThreadPool(8);
      try (Connection other = DriverManager.getConnection(url, fixture.engine.user(), fixture.engine.password())) {
        other.setAutoCommit(false);
        try (Statement lock = other.createStatement()) {
          lock.executeQuery("SELECT version FROM product WHERE id = '" + RdsFixture.idOf(locked) + "' FOR UPDATE").close();
        }
        Future<List<SyncOutcome>> stuck =
            invocations.submit(() -> invocation(deadline, handler, List.of(RdsFixture.product(locked, 2))));
        awaitLockWait(fixture, engineName, stuck);

        // Seven more invocations at once, each with its own rows, while the first still waits.
        List<Future<List<SyncOutcome>>> others = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
          List<ChangeRecord> rows = new ArrayList<>();
          for (int r = 0; r < 5; r++) {
            rows.add(RdsFixture.product(RdsFixture.newCode(), 1));
          }
          others.add(invocations.submit(() -> invocation(deadline, handler, rows)));
        }
        for (Future<List<SyncOutcome>> invocation : others) {
          assertThat(invocation.get(30, TimeUnit.SECONDS)).as("written beside the waiting invocation").containsOnly(SyncOutcome.APPLIED);
        }
        assertThat(stuck).as("still waiting for the row lock").isNotDone();
        other.rollback();
        assertThat(stuck.get(30, TimeUnit.SECONDS)).containsExactly(SyncOutcome.APPLIED);
      } finally {
        invocations.shutdownNow();
      }
      assertThat(logins.get()).as("connections opened").isBetween(1, POOL);
      assertThat(fixture.row(RdsFixture.idOf(locked)).orElseThrow().version()).isEqualTo(2);
    }
  }

  /** One invocation on its own thread: its deadline begins and ends around the sync, as the entrypoint does. */
  private static List<SyncOutcome> invocation(
      InvocationDeadline deadline, RdsSyncHandler handler, List<ChangeRecord> rows) {
    deadline.begin(120_000);
    try {
      return handler.sync(rows);
    } finally {
      deadline.end();
    }
  }

  /** Until the server shows a session waiting for a row lock (or the stuck invocation ended, which is a failure). */
  private static void awaitLockWait(RdsFixture fixture, String engineName, Future<List<SyncOutcome>> stuck)
      throws Exception {
    String sql =
        engineName.equals("postgresql")
            ? "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            : "SELECT COUNT(*) FROM information_schema.processlist WHERE command = 'Query' AND info LIKE 'INSERT INTO product%'";
    try (Connection watcher = DriverManager.getConnection(fixture.engine.jdbcUrl(), fixture.engine.user(), fixture.engine.password())) {
      Eventually.await("a session waiting for the lock", Duration.ofSeconds(30), () -> {
        if (stuck.isDone()) {
          throw new AssertionError("the invocation on the locked row ended instead of waiting: " + stuck.get());
        }
        try (Statement statement = watcher.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
          rows.next();
          return rows.getLong(1) > 0;
        }
      });
    }
  }
}
