package io.cqrssuite.sync.opensearch;

import static io.cqrssuite.sync.opensearch.OpenSearchFixture.deleted;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.id;
import static io.cqrssuite.sync.opensearch.OpenSearchFixture.product;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.sync.SyncOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The live sync's second target during a backfill, with the real handler on a real node: while the backfill alias
 * exists every change reaches both indexes; once the swap removed it, writes go to one and nothing auto-creates an
 * index; a failure on the second target fails the change so it is retried; and without a backfill the only extra
 * cost is one alias check per interval.
 */
class BackfillDualWriteTest {
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

  private static ObjectNode in(String index, String code) throws IOException {
    var response = client.get(g -> g.index(index).id(id(code)), ObjectNode.class);
    return response.found() ? response.source() : null;
  }

  private static String newIndexWithBackfillAlias(IndexNames names) throws IOException {
    String next = names.readAlias() + "-v2";
    client.indices().create(c -> c.index(next));
    client.indices().updateAliases(u -> u.actions(a -> a.add(add -> add.index(next).alias(names.backfillAlias()))));
    return next;
  }

  @Test
  void whileTheBackfillAliasExistsAChangeReachesBothIndexesAndAfterItIsRemovedOnlyOne() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    String next = newIndexWithBackfillAlias(names);
    OpenSearchSyncHandler live =
        new OpenSearchSyncHandler(client, names, BulkLimits.defaults(), c -> true)
            .checkingForBackfillEvery(Duration.ofHours(1));

    assertThat(live.sync(List.of(product("P-1", 1, 10), deleted("P-2", 3)))).containsExactly(SyncOutcome.APPLIED, SyncOutcome.APPLIED);
    assertThat(in(names.initialIndex(), "P-1").path("price").asLong()).isEqualTo(10);
    assertThat(in(next, "P-1").path("price").asLong()).isEqualTo(10);
    assertThat(in(next, "P-2").path("is_deleted").asBoolean()).isTrue();
    // A redelivery is a duplicate on both: the second target's outcome does not turn it into a failure.
    assertThat(live.sync(List.of(product("P-1", 1, 10)))).containsExactly(SyncOutcome.DUPLICATE);

    // The swap: the aliases move to the new index and the backfill alias goes, in one request.
    client.indices().updateAliases(u -> u.actions(
        OpenSearchIndexes.remove(names.initialIndex(), names.writeAlias()),
        OpenSearchIndexes.remove(next, names.backfillAlias()),
        org.opensearch.client.opensearch.indices.update_aliases.Action.of(
            a -> a.add(add -> add.index(next).alias(names.writeAlias()).isWriteIndex(true)))));
    // The handler still believes in the backfill alias (its hour is not up): the "no such alias" answer is no failure.
    assertThat(live.sync(List.of(product("P-3", 1, 30)))).containsExactly(SyncOutcome.APPLIED);
    assertThat(in(next, "P-3")).isNotNull();
    assertThat(in(names.initialIndex(), "P-3")).isNull();
    assertThat(client.indices().exists(e -> e.index(names.backfillAlias())).value())
        .as("require_alias: the removed alias was not auto-created as an index").isFalse();
    int bulks = transport.bulkCalls().size();
    assertThat(live.sync(List.of(product("P-4", 1, 40)))).containsExactly(SyncOutcome.APPLIED);
    assertThat(transport.bulkCalls().size() - bulks).as("the alias answered missing once: one target from then on").isEqualTo(1);
  }

  @Test
  void aFailureOnTheSecondTargetFailsTheChangeSoItIsRetried() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    String next = newIndexWithBackfillAlias(names);
    OpenSearchSyncHandler live =
        new OpenSearchSyncHandler(client, names, BulkLimits.defaults(), c -> true)
            .checkingForBackfillEvery(Duration.ofHours(1));
    client.indices().putSettings(s -> s.index(next).settings(b -> b.blocksWrite(true)));

    SyncOutcome outcome = live.sync(List.of(product("P-1", 1, 10))).get(0);

    assertThat(outcome).isInstanceOf(SyncOutcome.Failed.class);
    SyncOutcome.Failed failed = (SyncOutcome.Failed) outcome;
    assertThat(failed.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(failed.error().getMessage()).contains("not through the backfill alias " + names.backfillAlias());
    assertThat(in(names.initialIndex(), "P-1")).isNotNull();

    client.indices().putSettings(s -> s.index(next).settings(b -> b.blocksWrite(false)));
    assertThat(live.sync(List.of(product("P-1", 1, 10)))).as("the retry: a duplicate where it was written")
        .containsExactly(SyncOutcome.DUPLICATE);
    assertThat(in(next, "P-1").path("price").asLong()).isEqualTo(10);
  }

  @Test
  void withoutABackfillTheOnlyExtraCostIsOneAliasCheckPerInterval() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    OpenSearchSyncHandler live =
        new OpenSearchSyncHandler(client, names, BulkLimits.defaults(), c -> true)
            .checkingForBackfillEvery(Duration.ofHours(1));
    int before = transport.paths().size();

    for (int i = 0; i < 20; i++) {
      live.sync(List.of(product("P-" + i, 1, i)));
    }

    List<String> paths = transport.paths().subList(before, transport.paths().size());
    assertThat(paths).filteredOn(p -> p.contains("_alias")).containsExactly("/_alias/" + names.backfillAlias());
    assertThat(paths).filteredOn(p -> p.endsWith("_bulk")).hasSize(20);
  }
}
