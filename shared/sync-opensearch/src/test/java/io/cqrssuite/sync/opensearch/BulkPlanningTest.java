package io.cqrssuite.sync.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** How changes become documents and documents become bounded {@code _bulk} requests: pure logic, no node. */
class BulkPlanningTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final DocumentProjection projection = new DocumentProjection(JSON);

  private static ChangeRecord change(String code, long version, boolean deleted) {
    ObjectNode image = JSON.createObjectNode();
    image.put("pk", "PRODUCT#acme").put("code", code).put("name", "Socks").put("version", version);
    image.put("id", "stale-id-from-the-image").put("is_deleted", true);
    return new ChangeRecord("product", "PRODUCT#acme", code, "PRODUCT#acme#" + code, version, deleted, image);
  }

  private BulkAction action(int position, int padding) {
    ChangeRecord change = change("P-" + position, 1, false);
    change.image().put("description", "x".repeat(padding));
    return BulkAction.of(position, change, false, projection.live(change));
  }

  @Test
  void liveDocumentIsTheImageWithTheSuitesFieldsWinning() throws Exception {
    JsonNode doc = JSON.readTree(projection.live(change("P-1", 7, false)));

    assertThat(doc.path("id").asText()).isEqualTo("PRODUCT#acme#P-1");
    assertThat(doc.path("version").asLong()).isEqualTo(7);
    assertThat(doc.path("is_deleted").asBoolean()).isFalse();
    assertThat(doc.path("name").asText()).isEqualTo("Socks");
  }

  @Test
  void tombstoneCarriesIdentityAndVersionButNoSearchableField() throws Exception {
    JsonNode doc = JSON.readTree(projection.tombstone(change("P-1", 7, true), Instant.parse("2026-11-25T00:00:00Z")));

    assertThat(doc.fieldNames()).toIterable().containsExactly("id", "pk", "code", "version", "is_deleted", "deleted_at");
    assertThat(doc.path("is_deleted").asBoolean()).isTrue();
    assertThat(doc.path("deleted_at").asText()).isEqualTo("2026-11-25T00:00:00Z");
  }

  @Test
  void actionSizeCountsTheActionLineTheDocumentAndBothNewlines() {
    ChangeRecord change = change("P-1", 12, false);
    byte[] document = projection.live(change);
    String actionLine = "{\"index\":{\"_id\":\"PRODUCT#acme#P-1\",\"version\":12,\"version_type\":\"external\"}}\n";

    assertThat(BulkAction.of(0, change, false, document).bytes())
        .isEqualTo(actionLine.getBytes(StandardCharsets.UTF_8).length + document.length + 1);
  }

  @Test
  void chunksRespectTheByteLimit() {
    List<BulkAction> actions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      actions.add(action(i, 300));
    }
    long each = actions.get(0).bytes();

    List<List<BulkAction>> chunks = BulkChunks.split(actions, new BulkLimits(1000, each * 3 + 1));

    assertThat(chunks).extracting(List::size).containsExactly(3, 3, 3, 1);
    assertThat(chunks.stream().flatMap(List::stream).map(BulkAction::position).collect(Collectors.toList()))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void chunksRespectTheDocumentLimit() {
    List<BulkAction> actions = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      actions.add(action(i, 10));
    }

    assertThat(BulkChunks.split(actions, new BulkLimits(3, Long.MAX_VALUE))).extracting(List::size).containsExactly(3, 3, 1);
  }

  @Test
  void documentLargerThanTheLimitGoesAlone() {
    List<BulkAction> actions = List.of(action(0, 10), action(1, 5000), action(2, 10));

    assertThat(BulkChunks.split(actions, new BulkLimits(1000, 1024))).extracting(List::size).containsExactly(1, 1, 1);
  }

  @Test
  void conflictMessageGivesTheStoredVersion() {
    assertThat(
            BulkItemOutcomes.storedVersion(
                "[PRODUCT#acme#P-1]: version conflict, current version [7] is higher or equal to the one provided [5]"))
        .isEqualTo(7);
    assertThat(BulkItemOutcomes.storedVersion("something else")).isEqualTo(-1);
  }

  @Test
  void templateWithoutTheTombstoneFieldsIsRefused() {
    ObjectNode template = OpenSearchIndexes.template("opensearch/products-template.json");
    ((ObjectNode) template.path("template").path("mappings").path("properties")).remove("is_deleted");

    assertThatThrownBy(() -> new OpenSearchIndexes(null, IndexNames.of("products"), template))
        .hasMessageContaining("is_deleted");
  }

  @Test
  void templateTakesItsPatternFromTheReadAlias() {
    ObjectNode template = OpenSearchIndexes.template("opensearch/products-template.json");

    assertThat(template.path("index_patterns").get(0).asText()).isEqualTo("products-v*");
    assertThat(IndexNames.of("catalog").indexPattern()).isEqualTo("catalog-v*");
  }
}
