package io.cqrssuite.sync.opensearch;

import static io.cqrssuite.sync.opensearch.OpenSearchFixture.product;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.testing.polling.Eventually;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;

/** {@code _reindex} as a polled task on a real node: progress, the first failure, the deadline that cancels. */
class PolledReindexTest {
  private static OpenSearchClient client;

  @BeforeAll
  static void connect() {
    client = OpenSearchFixture.client();
  }

  @AfterAll
  static void disconnect() throws IOException {
    client._transport().close();
  }

  private static IndexNames withProducts(int count) throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    List<ChangeRecord> changes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      changes.add(product(String.format("P-%04d", i), 2, i));
    }
    new OpenSearchSyncHandler(client, names, BulkLimits.defaults(), c -> true).sync(changes);
    client.indices().refresh(r -> r.index(names.writeAlias()));
    return names;
  }

  @Test
  void copiesAsATaskReportingProgressAndKeepsNewerDocuments() throws IOException {
    IndexNames names = withProducts(300);
    String target = names.readAlias() + "-v2";
    client.indices().create(c -> c.index(target));
    // The destination already holds a newer P-0000: the copy's older one loses, counted as a conflict.
    client.index(i -> i.index(target).id(OpenSearchFixture.id("P-0000")).version(9L)
        .versionType(org.opensearch.client.opensearch._types.VersionType.External)
        .document(product("P-0000", 9, 999).image()).refresh(Refresh.True));
    List<long[]> progress = new CopyOnWriteArrayList<>();

    PolledReindex.Result result =
        new PolledReindex(client).copy(names.initialIndex(), target, null,
            new PolledReindex.Options(Duration.ofMinutes(1), Duration.ofMillis(20), 0),
            (done, total) -> progress.add(new long[] {done, total}));

    assertThat(result.total()).isEqualTo(300);
    assertThat(result.copied()).isEqualTo(299);
    assertThat(result.versionConflicts()).isEqualTo(1);
    assertThat(result.task()).contains(":");
    assertThat(progress).isNotEmpty();
    assertThat(progress.get(progress.size() - 1)).containsExactly(300, 300);
    assertThat(client.count(c -> c.index(target)).count()).isEqualTo(300);
  }

  @Test
  void aFailedCopyNamesItsFirstCause() throws IOException {
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    String loose = names.readAlias() + "-loose";
    // An index outside the template (dynamic mapping) holding a price the template's long cannot take.
    client.index(i -> i.index(loose).id("bad").document(java.util.Map.of("price", "cheap", "version", 1))
        .refresh(Refresh.True));

    assertThatThrownBy(() -> new PolledReindex(client).copy(loose, names.initialIndex(), null,
            PolledReindex.Options.defaults().within(Duration.ofMinutes(1)), PolledReindex.Progress.none()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("failed for 1 document(s)")
        .hasMessageContaining("document bad")
        .hasMessageContaining("mapper_parsing_exception");
  }

  @Test
  void aCopyStillRunningAtTheDeadlineIsCancelled() throws Exception {
    IndexNames names = withProducts(1500);
    String target = names.readAlias() + "-v2";
    client.indices().create(c -> c.index(target));
    // One document a second: the first batch of 1000 goes, then the task waits long past the deadline.
    PolledReindex.Options slow =
        new PolledReindex.Options(Duration.ofSeconds(2), Duration.ofMillis(50), 1);

    assertThatThrownBy(() -> new PolledReindex(client).copy(names.initialIndex(), target, null, slow, PolledReindex.Progress.none()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("still running after PT2S")
        .hasMessageContaining("of 1500 documents done")
        .hasMessageContaining("cancelled");

    Eventually.await("the cancelled task no longer runs", Duration.ofSeconds(30), () -> {
      JsonNode tasks = new JsonCalls(client).call("GET", "/_tasks?actions=*reindex", null);
      return tasks.path("nodes").findValues("tasks").stream().allMatch(JsonNode::isEmpty);
    });
    long copied = client.count(c -> c.index(target)).count();
    assertThat(copied).as("the first batch only").isLessThan(1500);
  }
}
