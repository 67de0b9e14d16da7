package io.cqrssuite.sync.opensearch;

import static io.cqrssuite.sync.opensearch.OpenSearchFixture.change;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.deleted;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.id;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.product;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.refresh;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.stored;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.visibleIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.sync.SyncOutcome;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.transport.httpclient5.ResponseException;

/** The version guard, tombstones, per-item failures and bulk bounds of {@link OpenSearchSyncHandler}, on a real node. */
class OpenSearchSyncHandlerTest {
  private static CountingTransport transport;
  private static OpenSearchClient client;

  @BeforeAll
  static void connect() {
    transport = OpenSearchFixture.countingTransport();
    client = new OpenSearchClient(transport);
  }

  @AfterAll
  static void disconnect() throws IOException {
    transport.close();
  }

  private static OpenSearchSyncHandler handler(IndexNames names) {
    return new OpenSearchSyncHandler(client, names, BulkLimits.defaults(), change -> true);
  }

  @Test
  void redeliveredVersionIsADuplicateNoOp() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    OpenSearchSyncHandler handler = handler(names);

    assertThat(handler.sync(List.of(product("P-1", 1, 100)))).containsExactly(SyncOutcome.APPLIED);
    assertThat(handler.sync(List.of(product("P-1", 1, 999)))).containsExactly(SyncOutcome.DUPLICATE);

    ObjectNode doc = stored(client, names, "P-1");
    assertThat(doc.path("version").asLong()).isEqualTo(1);
    assertThat(doc.path("price").asLong()).isEqualTo(100);
  }

  @Test
  void reorderedVersionsEndOnTheHighest() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    OpenSearchSyncHandler handler = handler(names);

    assertThat(handler.sync(List.of(product("P-1", 3, 300)))).containsExactly(SyncOutcome.APPLIED);
    assertThat(handler.sync(List.of(product("P-1", 1, 100), product("P-2", 2, 200))))
        .containsExactly(new SyncOutcome.Stale(3), SyncOutcome.APPLIED);
    // Two versions of one entity in one request (the dispatcher avoids it; the guard still holds): the older loses.
    assertThat(handler.sync(List.of(product("P-2", 5, 500), product("P-2", 4, 400))))
        .containsExactly(SyncOutcome.APPLIED, new SyncOutcome.Stale(5));

    assertThat(stored(client, names, "P-1").path("price").asLong()).isEqualTo(300);
    assertThat(stored(client, names, "P-2").path("version").asLong()).isEqualTo(5);
  }

  @Test
  void deleteAtTheUpsertsVersionLeavesATombstoneTheReadAliasHides() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    OpenSearchSyncHandler handler = handler(names);
    handler.sync(List.of(product("P-1", 2, 100), product("P-2", 1, 100)));

    // A stream REMOVE carries the old image: its version equals the last upsert's.
    assertThat(handler.sync(List.of(deleted("P-1", 2)))).containsExactly(SyncOutcome.APPLIED);
    refresh(client, names);

    assertThat(visibleIds(client, names)).containsExactly(id("P-2"));
    ObjectNode tombstone = stored(client, names, "P-1");
    assertThat(tombstone.path("is_deleted").asBoolean()).isTrue();
    assertThat(tombstone.path("version").asLong()).isEqualTo(2);
    assertThat(tombstone.has("deleted_at")).isTrue();
    assertThat(tombstone.has("name")).as("no searchable field of the last image").isFalse();
    // Searching the tombstone's own id through the read alias finds nothing either.
    assertThat(
            client
                .search(s -> s.index(names.readAlias()).query(q -> q.ids(i -> i.values(id("P-1")))), ObjectNode.class)
                .hits()
                .hits())
        .isEmpty();
  }

  @Test
  void staleUpsertAfterADeleteStaysDeletedPastTheDeleteGcWindow() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    // gc_deletes 0s: a plain delete's version is forgotten at once, so this test runs "after" the 60 s default.
    client.indices().putSettings(s -> s.index(names.initialIndex()).settings(b -> b.gcDeletes(t -> t.time("0s"))));
    OpenSearchSyncHandler handler = handler(names);

    handler.sync(List.of(product("P-1", 1, 100)));
    assertThat(handler.sync(List.of(deleted("P-1", 2)))).containsExactly(SyncOutcome.APPLIED);
    refresh(client, names);
    assertThat(plainDeleteIsForgotten(names)).as("the GC window really is past").isTrue();

    assertThat(handler.sync(List.of(product("P-1", 1, 100)))).containsExactly(new SyncOutcome.Stale(2));
    refresh(client, names);
    assertThat(visibleIds(client, names)).isEmpty();
    assertThat(stored(client, names, "P-1").path("is_deleted").asBoolean()).isTrue();
  }

  /**
   * The control: with a plain delete (what the naive path does), a late, older version is accepted again once
   * OpenSearch has pruned the delete's version. Polls until the pruning happened, bounded by a deadline.
   */
  private static boolean plainDeleteIsForgotten(IndexNames names) throws IOException {
    String control = "control";
    client.index(i -> i.index(names.writeAlias()).id(control).version(1L).versionType(VersionType.External).document(Map.of("version", 1)));
    client.delete(d -> d.index(names.writeAlias()).id(control).version(2L).versionType(VersionType.External));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      refresh(client, names);
      try {
        client.index(
            i -> i.index(names.writeAlias()).id(control).version(1L).versionType(VersionType.External).document(Map.of("version", 1)));
        client.delete(d -> d.index(names.writeAlias()).id(control));
        return true;
      } catch (OpenSearchException | ResponseException e) {
        assertThat(OpenSearchSyncHandler.httpStatus(e)).isEqualTo(409);
      }
    }
    return false;
  }

  @Test
  void oneBadDocumentFailsAloneAsPermanentNamingItsId() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    ObjectNode bad = product("P-2", 1, 0).image().deepCopy();
    bad.put("price", "abc");

    List<SyncOutcome> outcomes =
        handler(names).sync(List.of(product("P-1", 1, 100), change("P-2", 1, false, bad), product("P-3", 1, 300)));

    assertThat(outcomes.get(0)).isEqualTo(SyncOutcome.APPLIED);
    assertThat(outcomes.get(2)).isEqualTo(SyncOutcome.APPLIED);
    SyncOutcome.Failed failed = (SyncOutcome.Failed) outcomes.get(1);
    assertThat(failed.kind()).isEqualTo(FailureKind.PERMANENT);
    assertThat(failed.error())
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(id("P-2"))
        .hasMessageContaining("mapper_parsing_exception")
        .hasMessageContaining("price");
    refresh(client, names);
    assertThat(visibleIds(client, names)).containsExactlyInAnyOrder(id("P-1"), id("P-3"));
  }

  @Test
  void bulkRequestsAreBoundedByBytesAndNeverAskForARefresh() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    OpenSearchSyncHandler handler =
        new OpenSearchSyncHandler(client, names, new BulkLimits(1000, 2048), change -> true);
    List<ChangeRecord> changes = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      changes.add(product(String.format("P-%03d", i), 1, i));
    }
    int before = transport.bulkCalls().size();

    List<SyncOutcome> outcomes = handler.sync(changes);

    List<CountingTransport.BulkCall> calls = transport.bulkCalls().subList(before, transport.bulkCalls().size());
    assertThat(outcomes).hasSize(120).allMatch(SyncOutcome.APPLIED::equals);
    // Each document is ~330 bytes with its action line: about six fit in 2 KiB.
    assertThat(calls).hasSizeGreaterThanOrEqualTo(120 / 7);
    assertThat(calls)
        .allSatisfy(
            call -> {
              assertThat(call.path()).isEqualTo("/" + names.writeAlias() + "/_bulk");
              assertThat(call.parameters()).doesNotContainKey("refresh").containsEntry("require_alias", "true");
            });
    refresh(client, names);
    assertThat(OpenSearchFixture.visibleCount(client, names)).isEqualTo(120);
  }

  @Test
  void requestRefusedAsTooLargeIsSplitUntilItFits() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    CountingTransport smallDomain = new CountingTransport(OpenSearchFixture.countingTransport(), 2);
    OpenSearchSyncHandler handler =
        new OpenSearchSyncHandler(new OpenSearchClient(smallDomain), names, BulkLimits.defaults(), c -> true);
    List<ChangeRecord> changes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      changes.add(product("P-" + i, 1, i));
    }

    assertThat(handler.sync(changes)).hasSize(5).allMatch(SyncOutcome.APPLIED::equals);
    // 5 refused -> 2 written, 3 refused -> 1 written, 2 written
    assertThat(smallDomain.bulkCalls()).extracting(CountingTransport.BulkCall::operations).containsExactly(5, 2, 3, 1, 2);
  }

  @Test
  void documentTooLargeOnItsOwnFailsAsPermanent() {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    CountingTransport tinyDomain = new CountingTransport(OpenSearchFixture.countingTransport(), 0);
    OpenSearchSyncHandler handler =
        new OpenSearchSyncHandler(new OpenSearchClient(tinyDomain), names, BulkLimits.defaults(), c -> true);

    List<SyncOutcome> outcomes = handler.sync(List.of(product("P-1", 1, 1), product("P-2", 1, 2)));

    assertThat(outcomes)
        .allSatisfy(o -> assertThat(((SyncOutcome.Failed) o).kind()).isEqualTo(FailureKind.PERMANENT));
    assertThat(((SyncOutcome.Failed) outcomes.get(1)).error()).hasMessageContaining(id("P-2")).hasMessageContaining("413");
  }

  @Test
  void missingWriteAliasIsTransientAndCreatesNoIndex() throws IOException {
    IndexNames names = IndexNames.of("pmissing" + System.nanoTime());

    List<SyncOutcome> outcomes = handler(names).sync(List.of(product("P-1", 1, 100)));

    assertThat(((SyncOutcome.Failed) outcomes.get(0)).kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(outcomes.get(0)).extracting(o -> ((SyncOutcome.Failed) o).error().getMessage()).asString().contains(id("P-1"));
    assertThat(client.indices().exists(e -> e.index(names.writeAlias())).value()).isFalse();
  }

  @Test
  void unreachableNodeFailsEveryChangeAsTransient() throws IOException {
    OpenSearchSettings nowhere =
        OpenSearchSettings.fromEnvironment(
                Map.of("SUITE_OPENSEARCH_ENDPOINT", URI.create("http://127.0.0.1:9").toString(), "SUITE_OPENSEARCH_INDEX", "products", "SUITE_OPENSEARCH_TIMEOUT_MS", "2000"))
            .orElseThrow();
    OpenSearchClient unreachable = OpenSearchClients.create(nowhere, "us-east-1");
    try {
      List<SyncOutcome> outcomes =
          new OpenSearchSyncHandler(unreachable, IndexNames.of("products"), BulkLimits.defaults(), c -> true)
              .sync(List.of(product("P-1", 1, 100), deleted("P-2", 3)));

      assertThat(outcomes)
          .hasSize(2)
          .allSatisfy(o -> assertThat(((SyncOutcome.Failed) o).kind()).isEqualTo(FailureKind.TRANSIENT));
      assertThat(((SyncOutcome.Failed) outcomes.get(1)).error()).hasMessageContaining(id("P-2"));
    } finally {
      unreachable._transport().close();
    }
  }
}
