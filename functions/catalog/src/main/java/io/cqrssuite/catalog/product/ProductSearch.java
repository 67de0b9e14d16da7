package io.cqrssuite.catalog.product;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * Searches the products read model through its read alias, which hides tombstones, so a deleted product never
 * shows. Full text scores; every other criterion is a filter (cached, unscored). Results come by relevance, then by
 * code, so paging is stable.
 */
public final class ProductSearch {
  private final OpenSearchClient client;
  private final String readAlias;

  /** {@code readAlias}: {@code IndexNames.readAlias()}, {@code products} by default. */
  public ProductSearch(OpenSearchClient client, String readAlias) {
    this.client = client;
    this.readAlias = readAlias;
  }

  /** One page of products and how many match in all. */
  public record Page(long total, List<ObjectNode> products) {}

  public Page search(ProductQuery query) throws IOException {
    SearchResponse<ObjectNode> response =
        client.search(
            s ->
                s.index(readAlias)
                    .query(toQuery(query))
                    .from(query.from())
                    .size(query.size())
                    .trackTotalHits(t -> t.enabled(true))
                    .sort(o -> o.score(sc -> sc.order(SortOrder.Desc)))
                    .sort(o -> o.field(f -> f.field("code").order(SortOrder.Asc))),
            ObjectNode.class);
    List<ObjectNode> products = new ArrayList<>(response.hits().hits().size());
    for (Hit<ObjectNode> hit : response.hits().hits()) {
      products.add(hit.source());
    }
    long total = response.hits().total() == null ? products.size() : response.hits().total().value();
    return new Page(total, products);
  }

  static Query toQuery(ProductQuery query) {
    BoolQuery.Builder bool = new BoolQuery.Builder();
    bool.filter(term("tenantCode", query.tenantCode()));
    if (query.text() != null && !query.text().isBlank()) {
      bool.must(m -> m.multiMatch(mm -> mm.query(query.text()).fields("name^2", "description")));
    }
    if (query.category() != null) {
      bool.filter(term("category", query.category()));
    }
    for (String tag : query.tags()) {
      bool.filter(term("tags", tag));
    }
    if (query.minPrice() != null || query.maxPrice() != null) {
      bool.filter(
          f ->
              f.range(
                  r -> {
                    r.field("price");
                    if (query.minPrice() != null) {
                      r.gte(JsonData.of(query.minPrice()));
                    }
                    if (query.maxPrice() != null) {
                      r.lte(JsonData.of(query.maxPrice()));
                    }
                    return r;
                  }));
    }
    if (query.active() != null) {
      bool.filter(f -> f.term(t -> t.field("isActive").value(FieldValue.of(query.active()))));
    }
    return Query.of(q -> q.bool(bool.build()));
  }

  private static Query term(String field, String value) {
    return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
  }
}
