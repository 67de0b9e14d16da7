package io.cqrssuite.sync.rds;

import static io.cqrssuite.sync.rds.RdsFixture.idOf;
import static io.cqrssuite.sync.rds.RdsFixture.newCode;
import static io.cqrssuite.sync.rds.RdsFixture.product;
import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.alarm.Severity;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.testing.polling.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A schema changed under the sync (a renamed column, a moved table) is the deployment's fault, not the rows': the
 * records back off and are redelivered, nothing is dead-lettered, and once the schema is back the read model
 * converges (issue 12, point 2).
 */
class SchemaChangeTest {
  private static final int ENTITIES = 40;
  /** Redeliveries last 200 x 25 ms = 5 s at least, far longer than the rename below. */
  private static final int MAX_DELIVERIES = 200;
  private static final Duration REDELIVERY_PAUSE = Duration.ofMillis(25);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aColumnRenamedWhileSyncingBacksOffAndTheReadModelConverges(String engine) throws Exception {
    try (ProductDatabase database = ProductDatabase.create(RdsFixture.of(engine), "rename")) {
      RecordedAlarms alarms = new RecordedAlarms();
      RdsSyncHandler handler = database.handler(100, alarms);
      StreamRedelivery stream = new StreamRedelivery(handler, MAX_DELIVERIES, REDELIVERY_PAUSE);
      List<String> codes = new ArrayList<>();
      for (int i = 0; i < ENTITIES; i++) {
        codes.add(newCode());
      }
      AtomicLong delivered = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      // The stream: every entity at version 1, then all at version 2, and so on, each batch in its own order.
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                Random random = new Random(12);
                try {
                  for (long version = 1; !stop.get(); version++) {
                    List<ChangeRecord> batch = new ArrayList<>();
                    for (String code : codes) {
                      batch.add(product(code, version));
                    }
                    Collections.shuffle(batch, random);
                    stream.deliver(batch);
                    delivered.set(version);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });

      Eventually.await("the first batches synced", WAIT, () -> delivered.get() >= 3);
      database.execute("ALTER TABLE product RENAME COLUMN name TO product_name");
      try {
        Eventually.await(
            "deliveries failing while the column is renamed", WAIT,
            () -> stream.transientFailures() + stream.deadLetters().size() >= 3 * ENTITIES);
      } finally {
        database.execute("ALTER TABLE product RENAME COLUMN product_name TO name");
      }
      long restoredAt = delivered.get();
      Eventually.await("batches synced after the column is back", WAIT, () -> delivered.get() >= restoredAt + 3);
      stop.set(true);
      writer.get(30, TimeUnit.SECONDS);

      long latest = delivered.get();
      assertThat(stream.deadLetters())
          .as("records dead-lettered by a passing schema change")
          .extracting(letter -> letter.failure().error().getMessage())
          .isEmpty();
      assertThat(stream.givenUp()).isZero();
      assertThat(stream.transientFailures()).as("failures while the column was renamed").isPositive();
      Map<String, ProductDatabase.Stored> rows = database.rows();
      for (String code : codes) {
        assertThat(rows.get(idOf(code)))
            .as("the row of %s", code)
            .isEqualTo(new ProductDatabase.Stored(latest, "Trail Running Shoes v" + latest));
      }
      // Hundreds of failed records, one episode: one alarm.
      assertThat(alarms.raised()).singleElement().satisfies(alarm -> {
        assertThat(alarm.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(alarm.handler()).isEqualTo(handler.name() + "[product]");
        assertThat(alarm.errorMessage()).contains("table product");
      });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aSchemaFaultIsTransientAndTheTableIsCheckedAgainOnItsNextUse(String engine) throws Exception {
    try (ProductDatabase database = ProductDatabase.create(RdsFixture.of(engine), "recheck")) {
      RecordedAlarms alarms = new RecordedAlarms();
      RdsSyncHandler handler = database.handler(100, alarms);
      String code = newCode();
      assertThat(handler.sync(List.of(product(code, 1)))).containsExactly(SyncOutcome.APPLIED);

      database.execute("ALTER TABLE product RENAME COLUMN name TO product_name");
      SyncOutcome written = handler.sync(List.of(product(code, 2))).get(0);
      SyncOutcome checked = handler.sync(List.of(product(code, 2))).get(0);
      database.execute("ALTER TABLE product RENAME COLUMN product_name TO name");
      SyncOutcome restored = handler.sync(List.of(product(code, 2))).get(0);

      // The statement checked before the rename fails on the server (42703, 42S22), ...
      assertTransient(written, idOf(code), database.postgres() ? "SQLState 42703" : "SQLState 42S22");
      // ... after which the table is checked again, before any SQL: the check now names the missing column.
      assertTransient(checked, idOf(code), "'name'");
      assertThat(restored).isEqualTo(SyncOutcome.APPLIED);
      assertThat(alarms.raised()).as("one alarm for the episode").singleElement().satisfies(alarm -> {
        assertThat(alarm.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(alarm.errorMessage()).contains(database.postgres() ? "SQLState 42703" : "SQLState 42S22");
        assertThat(alarm.eventIds()).containsExactly(idOf(code));
      });

      // A table moved away: undefined table (42P01, 42S02), transient as well.
      database.execute("ALTER TABLE product RENAME TO product_moved");
      SyncOutcome moved = handler.sync(List.of(product(code, 3))).get(0);
      database.execute("ALTER TABLE product_moved RENAME TO product");
      SyncOutcome back = handler.sync(List.of(product(code, 3))).get(0);

      assertTransient(moved, idOf(code), database.postgres() ? "SQLState 42P01" : "SQLState 42S02");
      assertThat(back).isEqualTo(SyncOutcome.APPLIED);
      assertThat(alarms.raised()).as("a second episode, a second alarm").hasSize(2);
      assertThat(database.rows().get(idOf(code))).isEqualTo(new ProductDatabase.Stored(3, "Trail Running Shoes v3"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aRevokedGrantBacksOffUntilItIsGrantedAgain(String engine) throws Exception {
    try (ProductDatabase database = ProductDatabase.create(RdsFixture.of(engine), "grant")) {
      String user = "sync_" + Long.toHexString(new Random().nextLong() & 0xffffffffL);
      String grantee = database.postgres() ? user : "'" + user + "'@'%'";
      database.execute(
          database.postgres()
              ? "CREATE ROLE " + user + " LOGIN PASSWORD 'sync-password'"
              : "CREATE USER " + grantee + " IDENTIFIED BY 'sync-password'");
      database.execute("GRANT SELECT, INSERT, UPDATE ON product TO " + grantee);
      RecordedAlarms alarms = new RecordedAlarms();
      RdsSyncHandler handler = database.handler(user, "sync-password", 100, alarms);
      String code = newCode();
      assertThat(handler.sync(List.of(product(code, 1)))).containsExactly(SyncOutcome.APPLIED);

      database.execute("REVOKE INSERT, UPDATE ON product FROM " + grantee);
      SyncOutcome refused = handler.sync(List.of(product(code, 2))).get(0);
      SyncOutcome stillRefused = handler.sync(List.of(product(code, 2))).get(0);
      database.execute("GRANT INSERT, UPDATE ON product TO " + grantee);
      SyncOutcome granted = handler.sync(List.of(product(code, 2))).get(0);

      // Insufficient privilege: 42501 on PostgreSQL, 42000 (error 1142) on MariaDB.
      assertTransient(refused, idOf(code), database.postgres() ? "SQLState 42501" : "SQLState 42000");
      assertTransient(stillRefused, idOf(code), database.postgres() ? "SQLState 42501" : "SQLState 42000");
      assertThat(granted).isEqualTo(SyncOutcome.APPLIED);
      assertThat(alarms.raised()).singleElement().extracting(alarm -> alarm.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(database.rows().get(idOf(code)).version()).isEqualTo(2);
    }
  }

  private static void assertTransient(SyncOutcome outcome, String id, String reason) {
    assertThat(outcome).isInstanceOfSatisfying(
        SyncOutcome.Failed.class,
        failed -> {
          assertThat(failed.kind()).as("kind of: %s", failed.error().getMessage()).isEqualTo(FailureKind.TRANSIENT);
          assertThat(failed.error()).hasMessageContaining(id).hasMessageContaining(reason);
        });
  }

}
