package io.cqrssuite.sync.opensearch;

import static io.cqrssuite.sync.opensearch.OpenSearchFixture.deleted;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.id;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.product;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.refresh;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.stored;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.visibleCount;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.visibleIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.sync.SyncOutcome;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.indices.get_alias.IndexAliases;

/** The index template, the two aliases, the rebuild and the tombstone purge of {@link OpenSearchIndexes}. */
class OpenSearchIndexesTest {
  private static OpenSearchClient client;

  @BeforeAll
  static void connect() {
    client = OpenSearchFixture.client();
  }

  @AfterAll
  static void disconnect() throws IOException {
    client._transport().close();
  }

  private static OpenSearchIndexes indexes(IndexNames names) {
    return new OpenSearchIndexes(client, names, OpenSearchIndexes.template("opensearch/products-template.json"));
  }

  @Test
  void ensureCreatesTheIndexBehindBothAliasesAndIsIdempotent() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    indexes(names).ensure();
    indexes(names).ensure();

    Map<String, IndexAliases> aliases = client.indices().getAlias(a -> a.index(names.initialIndex())).result();
    assertThat(aliases).containsOnlyKeys(names.initialIndex());
    var byName = aliases.get(names.initialIndex()).aliases();
    assertThat(byName).containsOnlyKeys(names.readAlias(), names.writeAlias());
    assertThat(byName.get(names.writeAlias()).isWriteIndex()).isTrue();
    var filter = byName.get(names.readAlias()).filter().term();
    assertThat(filter.field()).isEqualTo("is_deleted");
    assertThat(filter.value().booleanValue()).isFalse();
    assertThat(indexes(names).currentIndex()).isEqualTo(names.initialIndex());
    // The template applied: dynamic false and the products mapping.
    var mapping = client.indices().getMapping(m -> m.index(names.initialIndex())).result().get(names.initialIndex()).mappings();
    assertThat(mapping.properties()).containsKeys("price", "is_deleted", "deleted_at", "version");
    assertThat(mapping.properties().get("price").isLong()).isTrue();
  }

  @Test
  void ensureRestoresAMissingWriteAlias() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    client.indices().deleteAlias(d -> d.index(names.initialIndex()).name(names.writeAlias()));

    indexes(names).ensure();

    assertThat(client.indices().existsAlias(a -> a.name(names.writeAlias())).value()).isTrue();
  }

  @Test
  void rebuildSwapsBothAliasesAtomicallyWhileReadsKeepWorking() throws Exception {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    OpenSearchSyncHandler handler = new OpenSearchSyncHandler(client, names, BulkLimits.defaults(), c -> true);
    List<ChangeRecord> changes = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      changes.add(product(String.format("P-%03d", i), 3, i));
    }
    handler.sync(changes);
    handler.sync(List.of(deleted("P-000", 4)));
    refresh(client, names);
    long live = 399;
    assertThat(visibleCount(client, names)).isEqualTo(live);

    AtomicBoolean rebuilding = new AtomicBoolean(true);
    List<Long> counts = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
              while (rebuilding.get() && System.nanoTime() < deadline) {
                try {
                  counts.add(visibleCount(client, names));
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    OpenSearchIndexes.Rebuild rebuild;
    try {
      rebuild = indexes(names).rebuild(names.readAlias() + "-v2");
    } finally {
      rebuilding.set(false);
    }
    reader.get();

    assertThat(rebuild.previousIndex()).isEqualTo(names.initialIndex());
    assertThat(rebuild.copied()).isEqualTo(400);
    assertThat(counts).isNotEmpty().allMatch(count -> count == live);
    assertThat(indexes(names).currentIndex()).isEqualTo(names.readAlias() + "-v2");
    assertThat(visibleIds(client, names)).hasSize((int) live).doesNotContain(id("P-000"));
    // The versions came along: the tombstone still stops a late upsert, and writes now land in the new index.
    assertThat(handler.sync(List.of(product("P-000", 3, 1), product("P-001", 5, 55))))
        .containsExactly(new SyncOutcome.Stale(4), SyncOutcome.APPLIED);
    assertThat(stored(client, names, "P-001").path("price").asLong()).isEqualTo(55);
    refresh(client, names);
    assertThat(visibleCount(client, names)).isEqualTo(live);
  }

  @Test
  void writeThatReachesTheOldIndexAfterTheSwapFailsAsTransient() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    new OpenSearchSyncHandler(client, names, BulkLimits.defaults(), c -> true).sync(List.of(product("P-1", 1, 1)));
    indexes(names).rebuild(names.readAlias() + "-v2");
    // A writer still holding the old index (as a request in flight during the swap would).
    IndexNames old = new IndexNames(names.readAlias(), names.initialIndex(), names.initialIndex());

    SyncOutcome outcome =
        new OpenSearchSyncHandler(client, old, BulkLimits.defaults(), c -> true).sync(List.of(product("P-1", 2, 2))).get(0);

    assertThat(((SyncOutcome.Failed) outcome).kind()).isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void purgeDeletesOnlyTombstonesOlderThanTheHorizon() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    Instant now = Instant.parse("2026-11-25T00:00:00Z");
    OpenSearchSyncHandler lastWeek =
        new OpenSearchSyncHandler(
            client, names, BulkLimits.defaults(), c -> true, new ObjectMapper(),
            Clock.fixed(now.minus(Duration.ofDays(7)), ZoneOffset.UTC));
    OpenSearchSyncHandler today =
        new OpenSearchSyncHandler(
            client, names, BulkLimits.defaults(), c -> true, new ObjectMapper(), Clock.fixed(now, ZoneOffset.UTC));
    lastWeek.sync(List.of(product("LIVE", 1, 1), deleted("OLD", 2)));
    today.sync(List.of(deleted("NEW", 2)));
    refresh(client, names);

    long purged = indexes(names).purgeTombstones(now.minus(Duration.ofDays(3)));

    assertThat(purged).isEqualTo(1);
    assertThat(stored(client, names, "OLD")).isNull();
    assertThat(stored(client, names, "NEW").path("is_deleted").asBoolean()).isTrue();
    assertThat(stored(client, names, "LIVE")).isNotNull();
  }
}
