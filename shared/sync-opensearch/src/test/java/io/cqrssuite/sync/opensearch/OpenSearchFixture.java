package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.testing.engine.TestEngines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.GetResponse;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * What the OpenSearch integration tests share: a client on the one embedded node, read models under names of
 * their own (so tests never see each other's documents), products as change records, and reads through the aliases.
 */
final class OpenSearchFixture {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TENANT = "acme";

  private OpenSearchFixture() {}

  static OpenSearchSettings settings() {
    return OpenSearchSettings.fromEnvironment(
            Map.of(
                "SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString(),
                "SUITE_OPENSEARCH_INDEX", "products"))
        .orElseThrow();
  }

  /** A transport that counts its {@code _bulk} requests: {@code new OpenSearchClient(countingTransport())}. */
  static CountingTransport countingTransport() {
    return new CountingTransport(OpenSearchClients.transport(settings(), "us-east-1"));
  }

  static OpenSearchClient client() {
    return OpenSearchClients.create(settings(), "us-east-1");
  }

  /** A read model of its own: {@code p<random>}, {@code p<random>-write}, {@code p<random>-v1}, already ensured. */
  static IndexNames ensuredIndex(OpenSearchClient client) {
    IndexNames names = IndexNames.of("p" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    try {
      new OpenSearchIndexes(client, names, OpenSearchIndexes.template("opensearch/products-template.json")).ensure();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  static ChangeRecord product(String code, long version, long price) {
    ObjectNode image = JSON.createObjectNode();
    image.put("pk", "PRODUCT#" + TENANT);
    image.put("code", code);
    image.put("tenantCode", TENANT);
    image.put("version", version);
    image.put("name", "Product " + code + " v" + version);
    image.put("price", price);
    image.put("category", "shoes");
    image.putArray("tags").add("running");
    image.put("isActive", true);
    return change(code, version, false, image);
  }

  static ChangeRecord deleted(String code, long version) {
    return change(code, version, true, product(code, version, 100).image());
  }

  static ChangeRecord change(String code, long version, boolean deleted, ObjectNode image) {
    String pk = "PRODUCT#" + TENANT;
    return new ChangeRecord("product-command", pk, code, ChangeRecord.idOf(pk, code), version, deleted, image);
  }

  static String id(String code) {
    return ChangeRecord.idOf("PRODUCT#" + TENANT, code);
  }

  static void refresh(OpenSearchClient client, IndexNames names) throws IOException {
    client.indices().refresh(r -> r.index(names.writeAlias()));
  }

  /** The stored document, tombstone or not (a realtime get through the write alias, which no filter hides). */
  static ObjectNode stored(OpenSearchClient client, IndexNames names, String code) throws IOException {
    GetResponse<ObjectNode> response = client.get(g -> g.index(names.writeAlias()).id(id(code)), ObjectNode.class);
    return response.found() ? response.source() : null;
  }

  /** The ids a search through the read alias finds (refresh first). */
  static List<String> visibleIds(OpenSearchClient client, IndexNames names) throws IOException {
    List<String> ids = new ArrayList<>();
    for (Hit<ObjectNode> hit :
        client.search(s -> s.index(names.readAlias()).size(10_000), ObjectNode.class).hits().hits()) {
      ids.add(hit.id());
    }
    return ids;
  }

  static long visibleCount(OpenSearchClient client, IndexNames names) throws IOException {
    return client.count(c -> c.index(names.readAlias())).count();
  }
}
