package io.cqrssuite.sync.rds;

import io.cqrssuite.entity.Resolution;
import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.sync.ChangeSelector;
import static io.cqrssuite.sync.rds.RdsFixture.idOf;
import static io.cqrssuite.sync.rds.RdsFixture.newCode;
import static io.cqrssuite.sync.rds.RdsFixture.product;
import static io.cqrssuite.sync.rds.RdsFixture.tombstone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.sync.rds.RdsFixture.StoredRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relational read model's promises (contract §2, §4) against real PostgreSQL and MariaDB servers: whatever
 * the redelivery or reordering, the table ends on the newest version; a delete leaves a tombstone that wins over
 * late upserts; one bad record fails alone.
 */
class RdsSyncHandlerTest {
  private static final ChangeSelector PRODUCTS = new ChangeSelector.PkPrefix("PRODUCT#");

  private static StoredRow stored(RdsFixture fixture, String code) throws Exception {
    return fixture.row(idOf(code)).orElseThrow(() -> new AssertionError("no row for " + code));
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void duplicateDeliveryIsANoOpReportedAsDuplicate(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    String code = newCode();

    assertThat(fixture.handler.sync(List.of(product(code, 1)))).containsExactly(SyncOutcome.APPLIED);
    StoredRow first = stored(fixture, code);
    List<SyncOutcome> again = fixture.handler.sync(List.of(product(code, 1, false, i -> i.put("name", "changed"))));

    assertThat(again).containsExactly(SyncOutcome.DUPLICATE);
    assertThat(stored(fixture, code)).isEqualTo(first);
    assertThat(first.name()).isEqualTo("Trail Running Shoes v1");
    assertThat(first.price()).isEqualTo(129801L);
    assertThat(first.tags()).hasToString("[\"running\",\"outdoor\"]");
    assertThat(first.createdAt()).isEqualTo(Instant.parse("2026-11-25T00:05:00Z"));
    // Attributes without a column of their own are kept, exact; identity attributes are not repeated.
    assertThat(first.attributes().get("dimensions").get("width").decimalValue()).isEqualByComparingTo("12.5");
    assertThat(first.attributes().has("version")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void reorderedVersionsEndOnTheHighestAndOlderOnesAreReportedStale(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    String apart = newCode();
    String together = newCode();

    // Across deliveries: v3 arrives first.
    List<SyncOutcome> outcomes = new ArrayList<>();
    for (long version : new long[] {3, 1, 2}) {
      outcomes.addAll(fixture.handler.sync(List.of(product(apart, version))));
    }
    // Within one batch: each statement is guarded on its own, whatever the order.
    List<SyncOutcome> batch =
        fixture.handler.sync(List.of(product(together, 2), product(together, 4), product(together, 3)));

    assertThat(outcomes).containsExactly(SyncOutcome.APPLIED, new SyncOutcome.Stale(3), new SyncOutcome.Stale(3));
    assertThat(stored(fixture, apart).version()).isEqualTo(3);
    assertThat(stored(fixture, apart).name()).isEqualTo("Trail Running Shoes v3");
    assertThat(batch).containsExactly(SyncOutcome.APPLIED, SyncOutcome.APPLIED, new SyncOutcome.Stale(4));
    assertThat(stored(fixture, together).version()).isEqualTo(4);
    assertThat(stored(fixture, together).name()).isEqualTo("Trail Running Shoes v4");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void deleteAtTheVersionOfTheLastUpsertLeavesATombstoneHiddenFromTheLiveView(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    String code = newCode();
    fixture.handler.sync(List.of(product(code, 1), product(code, 2)));
    assertThat(fixture.visibleLive(idOf(code))).isTrue();

    // A stream REMOVE carries the old image: the version of the last upsert.
    List<SyncOutcome> delete = fixture.handler.sync(List.of(tombstone(code, 2)));
    List<SyncOutcome> redelivered = fixture.handler.sync(List.of(tombstone(code, 2)));

    assertThat(delete).containsExactly(SyncOutcome.APPLIED);
    assertThat(redelivered).containsExactly(SyncOutcome.DUPLICATE);
    StoredRow row = stored(fixture, code);
    assertThat(row.deleted()).isTrue();
    assertThat(row.version()).isEqualTo(2);
    assertThat(fixture.visibleLive(idOf(code))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void lateUpsertAfterADeleteStaysDeletedUntilANewerVersion(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    String code = newCode();
    fixture.handler.sync(List.of(product(code, 1)));
    fixture.handler.sync(List.of(tombstone(code, 3)));

    List<SyncOutcome> late = fixture.handler.sync(List.of(product(code, 2)));
    List<SyncOutcome> sameVersion = fixture.handler.sync(List.of(product(code, 3)));

    assertThat(late).containsExactly(new SyncOutcome.Stale(3));
    assertThat(sameVersion).containsExactly(SyncOutcome.DUPLICATE);
    assertThat(stored(fixture, code).deleted()).isTrue();
    assertThat(fixture.visibleLive(idOf(code))).isFalse();

    // Versions never restart: a re-created entity continues after its tombstone.
    assertThat(fixture.handler.sync(List.of(product(code, 4)))).containsExactly(SyncOutcome.APPLIED);
    assertThat(stored(fixture, code).deleted()).isFalse();
    assertThat(fixture.visibleLive(idOf(code))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void ttlRemovalDeletesNothing(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    List<DataChangeEvent> ttl = RdsFixture.sampleEvents("dynamodb/ttl-removal.json");
    DataChangeEvent expiry = ttl.get(0);
    String code = expiry.oldImage().get("code").textValue();
    fixture.handler.sync(List.of(product(code, 1)));
    StoredRow before = stored(fixture, code);

    List<ChangeRecord> changes =
        ttl.stream()
            .map(ProductTables::resolve)
            .filter(Resolution.Entity.class::isInstance)
            .map(r -> ((Resolution.Entity) r).change())
            .toList();
    if (!changes.isEmpty()) {
      fixture.handler.sync(changes);
    }

    assertThat(expiry.removedByTtl()).isTrue();
    assertThat(changes).isEmpty();
    assertThat(stored(fixture, code)).isEqualTo(before);
    assertThat(fixture.visibleLive(idOf(code))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void sampleStreamBatchesProjectIntoRows(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    List<ChangeRecord> changes = new ArrayList<>();
    for (String sample : List.of("dynamodb/product-command-changes.json", "dynamodb/product-data-changes.json")) {
      RdsFixture.sampleEvents(sample).forEach(event -> {
        if (ProductTables.resolve(event) instanceof Resolution.Entity entity) {
          changes.add(entity.change());
        }
      });
    }

    List<SyncOutcome> outcomes = fixture.handler.sync(changes);

    assertThat(outcomes).allMatch(SyncOutcome::succeeded);
    for (ChangeRecord change : changes) {
      StoredRow row = fixture.row(change.id()).orElseThrow();
      assertThat(row.version()).isGreaterThanOrEqualTo(change.version());
    }
    // P-002 was deleted by an isDeleted command: a tombstone, out of the live view.
    assertThat(fixture.row("PRODUCT#acme#P-002").orElseThrow().deleted()).isTrue();
    assertThat(fixture.visibleLive("PRODUCT#acme#P-002")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void oneBadRecordFailsAlonePermanentlyWithAReasonNamingTheColumn(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    String good1 = newCode();
    String notANumber = newCode();
    String tooLong = newCode();
    String overflow = newCode();
    String negative = newCode();
    String good2 = newCode();

    List<SyncOutcome> outcomes =
        fixture.handler.sync(
            List.of(
                product(good1, 1),
                product(notANumber, 1, false, i -> i.put("price", "abc")),
                product(tooLong, 1, false, i -> i.put("name", "x".repeat(201))),
                product(overflow, 1, false, i -> i.put("price", new java.math.BigInteger("12345678901234567890"))),
                // Only the database knows this rule (CHECK price >= 0): found by splitting the batch.
                product(negative, 1, false, i -> i.put("price", -5)),
                product(good2, 1)));

    assertThat(outcomes.get(0)).isEqualTo(SyncOutcome.APPLIED);
    assertThat(outcomes.get(5)).isEqualTo(SyncOutcome.APPLIED);
    assertPermanentFailure(outcomes.get(1), idOf(notANumber), "product.price", "a string of 3 characters");
    assertThat(((ColumnValueException) ((SyncOutcome.Failed) outcomes.get(1)).error()).detail())
        .as("the value, for the dead-letter envelope only")
        .hasValueSatisfying(detail -> assertThat(detail).contains("\"abc\""));
    assertPermanentFailure(outcomes.get(2), idOf(tooLong), "product.name", "at most 200 characters");
    assertPermanentFailure(outcomes.get(3), idOf(overflow), "product.price", "BIGINT range");
    assertPermanentFailure(outcomes.get(4), idOf(negative), "product_price_not_negative");
    assertThat(fixture.row(idOf(good1))).isPresent();
    assertThat(fixture.row(idOf(good2))).isPresent();
    for (String bad : List.of(notANumber, tooLong, overflow, negative)) {
      assertThat(fixture.row(idOf(bad))).isEmpty();
    }
  }

  private static void assertPermanentFailure(SyncOutcome outcome, String id, String... reason) {
    assertThat(outcome).isInstanceOf(SyncOutcome.Failed.class);
    SyncOutcome.Failed failed = (SyncOutcome.Failed) outcome;
    assertThat(failed.kind()).isEqualTo(FailureKind.PERMANENT);
    assertThat(failed.error().getMessage()).contains(id).contains(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void identifiersOutsideTheAllowListAreRefused(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    List<RdsColumn> columns = ProductTable.product().columns();

    assertThatThrownBy(() -> new RdsTableMapping("product; DROP TABLE x", columns, PRODUCTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'product; DROP TABLE x'");
    assertThatThrownBy(() -> new RdsTableMapping("\"product\"", columns, PRODUCTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'\"product\"'");
    assertThatThrownBy(() -> RdsColumn.of("name = 'x', version", "name", RdsColumnType.TEXT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'name = 'x', version'");

    // Well-formed names that the live schema lacks are refused before any SQL uses them.
    List<RdsColumn> withUnknown = new ArrayList<>(columns);
    withUnknown.add(RdsColumn.of("colour", "colour", RdsColumnType.TEXT));
    RdsSyncHandler unknownColumn =
        fixture.handler(Clock.systemUTC(), List.of(new RdsTableMapping("product", withUnknown, PRODUCTS)), 100);
    RdsSchema unknownTable =
        new RdsSchema(
            fixture.connections, List.of(new RdsTableMapping("no_such_table", columns, PRODUCTS)));
    String code = newCode();

    List<SyncOutcome> outcomes = unknownColumn.sync(List.of(product(code, 1)));

    assertThat(outcomes.get(0)).isInstanceOfSatisfying(
        SyncOutcome.Failed.class,
        failed -> {
          // A configuration error, not poison: retried, then dead-lettered for a replay after the fix.
          assertThat(failed.kind()).isEqualTo(FailureKind.TRANSIENT);
          assertThat(failed.error()).hasMessageContaining("'colour'").hasMessageContaining(idOf(code));
        });
    assertThat(fixture.row(idOf(code))).isEmpty();
    assertThatThrownBy(unknownTable::verify)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'no_such_table'");
    assertThat(fixture.handler.sync(List.of(product(newCode(), 1)))).containsExactly(SyncOutcome.APPLIED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void purgeRemovesOnlyTombstonesOlderThanTheHorizon(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    Clock seventeenDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(17)), ZoneOffset.UTC);
    RdsSyncHandler past = fixture.handler(seventeenDaysAgo, List.of(ProductTable.product()), 100);
    String oldTombstone = newCode();
    String oldLive = newCode();
    String freshTombstone = newCode();
    past.sync(List.of(tombstone(oldTombstone, 1), product(oldLive, 1)));
    fixture.handler.sync(List.of(tombstone(freshTombstone, 1)));
    TombstonePurge purge =
        new TombstonePurge(fixture.connections, fixture.schema, Clock.systemUTC(), RdsSettings.DEFAULT_TOMBSTONE_RETENTION);

    long purged = purge.purgeTombstones();

    assertThat(purged).isEqualTo(1);
    assertThat(fixture.row(idOf(oldTombstone))).isEmpty();
    assertThat(fixture.row(idOf(oldLive))).isPresent();
    assertThat(fixture.row(idOf(freshTombstone))).map(StoredRow::deleted).contains(true);
    assertThat(purge.purgeTombstones(Duration.ofDays(16))).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void nextSyncSucceedsAfterTheServerKilledTheConnection(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    String code = newCode();
    fixture.handler.sync(List.of(product(code, 1)));

    fixture.killHandlerConnection();
    List<SyncOutcome> outcomes = fixture.handler.sync(List.of(product(code, 2)));

    assertThat(outcomes).containsExactly(SyncOutcome.APPLIED);
    assertThat(fixture.row(idOf(code)).map(StoredRow::version)).contains(2L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aTenThousandRowBatchIsWrittenInChunksAndEveryRowReported(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    List<ChangeRecord> changes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      changes.add(product(newCode(), 1));
    }

    long started = System.nanoTime();
    List<SyncOutcome> outcomes = fixture.handler.sync(changes);
    double seconds = (System.nanoTime() - started) / 1e9;
    long replayStarted = System.nanoTime();
    List<SyncOutcome> replayed = fixture.handler.sync(changes);
    double replaySeconds = (System.nanoTime() - replayStarted) / 1e9;

    // A figure for the record, not an assertion: timings vary by machine.
    System.out.printf(
        "RDS sync on %s: 10000 new rows in %.2f s (%.0f rows/s); the same 10000 again (all duplicates) in %.2f s%n",
        engine, seconds, 10_000 / seconds, replaySeconds);
    assertThat(outcomes).hasSize(10_000).containsOnly(SyncOutcome.APPLIED);
    assertThat(replayed).hasSize(10_000).containsOnly(SyncOutcome.DUPLICATE);
    assertThat(fixture.row(changes.get(9_999).id())).isPresent();
  }
}
