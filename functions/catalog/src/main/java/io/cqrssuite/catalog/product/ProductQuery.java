package io.cqrssuite.catalog.product;

import java.util.List;

/**
 * A product search within one tenant: every criterion left {@code null} (or empty) is not applied. Build one with
 * {@link #tenant(String)} and the {@code with...} methods.
 *
 * @param text full text over name (boosted) and description
 * @param tags every tag must be present
 * @param minPrice inclusive, in minor units, like {@code price}
 * @param maxPrice inclusive
 * @param from the first hit to return (paging)
 * @param size at most this many hits (1 to 100)
 */
public record ProductQuery(
    String tenantCode,
    String text,
    String category,
    List<String> tags,
    Long minPrice,
    Long maxPrice,
    Boolean active,
    int from,
    int size) {

  public ProductQuery {
    if (tenantCode == null || tenantCode.isBlank()) {
      throw new IllegalArgumentException("a product search needs a tenantCode: products of other tenants never show");
    }
    tags = tags == null ? List.of() : List.copyOf(tags);
    if (from < 0 || size < 1 || size > 100) {
      throw new IllegalArgumentException("from must be >= 0 and size 1..100, found from=" + from + " size=" + size);
    }
  }

  public static ProductQuery tenant(String tenantCode) {
    return new ProductQuery(tenantCode, null, null, List.of(), null, null, null, 0, 20);
  }

  public ProductQuery withText(String value) {
    return new ProductQuery(tenantCode, value, category, tags, minPrice, maxPrice, active, from, size);
  }

  public ProductQuery withCategory(String value) {
    return new ProductQuery(tenantCode, text, value, tags, minPrice, maxPrice, active, from, size);
  }

  public ProductQuery withTags(String... values) {
    return new ProductQuery(tenantCode, text, category, List.of(values), minPrice, maxPrice, active, from, size);
  }

  public ProductQuery withPriceBetween(Long min, Long max) {
    return new ProductQuery(tenantCode, text, category, tags, min, max, active, from, size);
  }

  public ProductQuery withActive(Boolean value) {
    return new ProductQuery(tenantCode, text, category, tags, minPrice, maxPrice, value, from, size);
  }

  public ProductQuery withPage(int fromHit, int pageSize) {
    return new ProductQuery(tenantCode, text, category, tags, minPrice, maxPrice, active, fromHit, pageSize);
  }
}
