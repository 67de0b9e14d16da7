package io.cqrssuite.catalog.product;

import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.entity.Resolution;
import io.cqrssuite.sync.opensearch.BulkLimits;
import io.cqrssuite.sync.opensearch.IndexNames;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.fixtures.SampleEvents;
import java.util.Map;
import java.util.UUID;
import io.cqrssuite.sync.opensearch.OpenSearchSyncHandler;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.sync.SyncOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The example's product search over the sample stream events (events/dynamodb), synced through the handler: images
 * with attributes the mapping does not name (a nested map, base64 binary, sets, null, a 30-digit decimal) index,
 * and the deleted product does not show.
 */
class ProductSearchTest {
  private static OpenSearchClient client;
  private static ProductSearch search;

  @BeforeAll
  static void syncTheSampleProducts() throws IOException {
    String index = "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    OpenSearchSettings settings = OpenSearchSettings.fromEnvironment(Map.of(
            "SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString(),
            "SUITE_OPENSEARCH_INDEX", index,
            // The catalog's own template, from this module's resources.
            "SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json"))
        .orElseThrow();
    client = OpenSearchClients.create(settings, "us-east-1");
    IndexNames names = settings.indexNames();
    new OpenSearchIndexes(client, names, OpenSearchIndexes.template(settings.templateResource())).ensure();
    List<ChangeRecord> changes = new ArrayList<>();
    changes.addAll(changes("product-command-changes.json"));
    changes.addAll(changes("product-data-changes.json"));
    changes.add(product("P-100", 1, 50_000));
    List<SyncOutcome> outcomes = new OpenSearchSyncHandler(client, names, BulkLimits.defaults(), c -> true).sync(changes);
    assertThat(outcomes).allMatch(SyncOutcome::succeeded);
    client.indices().refresh(r -> r.index(names.writeAlias()));
    search = new ProductSearch(client, names.readAlias());
  }

  @AfterAll
  static void disconnect() throws IOException {
    client._transport().close();
  }

  private static List<ChangeRecord> changes(String file) throws IOException {
    EventDecoder decoder = new EventDecoder(new ObjectMapper(), new DefaultEventFactory());
    List<ChangeRecord> changes = new ArrayList<>();
    try (InputStream in = SampleEvents.stream("dynamodb/" + file)) {
      for (InboundRecord record : decoder.decode(in).records()) {
        for (DomainEvent event : record.events()) {
          if (ProductTables.resolve((DataChangeEvent) event) instanceof Resolution.Entity entity) {
            changes.add(entity.change());
          }
        }
      }
    }
    return changes;
  }

  private static ChangeRecord product(String code, long version, long price) {
    ObjectNode image = new ObjectMapper().createObjectNode();
    String pk = "PRODUCT#acme";
    image.put("pk", pk).put("code", code).put("tenantCode", "acme").put("version", version);
    image.put("name", "Product " + code + " v" + version).put("price", price).put("category", "shoes");
    image.putArray("tags").add("running");
    image.put("isActive", true);
    return new ChangeRecord("product-command", pk, code, ChangeRecord.idOf(pk, code), version, false, image);
  }

  private static List<String> codes(ProductQuery query) throws IOException {
    return search.search(query).products().stream().map(p -> p.path("code").asText()).collect(Collectors.toList());
  }

  private static ProductQuery acme() {
    return ProductQuery.tenant("acme");
  }

  @Test
  void everyLiveProductIsFoundAndTheDeletedOnesAreNot() throws IOException {
    // P-002 was deleted by a command (isDeleted), P-005 by a data-table REMOVE.
    assertThat(codes(acme())).containsExactly("P-001", "P-003", "P-010", "P-100");
    assertThat(search.search(acme()).total()).isEqualTo(4);
  }

  @Test
  void fullTextMatchesNameAndDescription() throws IOException {
    assertThat(codes(acme().withText("trail"))).containsExactly("P-001");
    assertThat(codes(acme().withText("waterproof membrane"))).containsExactly("P-001");
    assertThat(codes(acme().withText("vest"))).containsExactly("P-003");
  }

  @Test
  void filtersByCategoryTagsPriceRangeAndActiveFlag() throws IOException {
    assertThat(codes(acme().withCategory("accessories"))).containsExactly("P-003", "P-010");
    assertThat(codes(acme().withTags("running", "waterproof"))).containsExactly("P-001");
    assertThat(codes(acme().withPriceBetween(9_800L, 20_000L))).containsExactly("P-003", "P-010");
    assertThat(codes(acme().withPriceBetween(100_000L, null))).containsExactly("P-001");
    assertThat(codes(acme().withActive(true).withCategory("shoes"))).containsExactly("P-001", "P-100");
  }

  @Test
  void keepsTheAttributesTheMappingDoesNotIndexInTheSource() throws IOException {
    ObjectNode shoes = search.search(acme().withText("GTX")).products().get(0);
    assertThat(shoes.path("dimensions").path("unit").isTextual()).isTrue();
    assertThat(shoes.path("costBasis").decimalValue()).isEqualByComparingTo("12345678901234567890.123456789");
    assertThat(shoes.path("version").asLong()).isEqualTo(2);
  }

  @Test
  void neverShowsAnotherTenantsProducts() throws IOException {
    assertThat(codes(ProductQuery.tenant("globex"))).isEmpty();
  }
}
