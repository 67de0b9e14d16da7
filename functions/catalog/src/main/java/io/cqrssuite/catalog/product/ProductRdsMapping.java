package io.cqrssuite.catalog.product;

import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.rds.RdsColumn;
import io.cqrssuite.sync.rds.RdsColumnType;
import io.cqrssuite.sync.rds.RdsTableMapping;
import java.util.List;

/**
 * The example domain's relational read model: products, from the command and data tables alike (the version
 * guard makes either source, or both, converge), into the {@code product} table of
 * {@code infra/sql/<dialect>/V1__product.sql}. Attributes without a column of their own land in {@code attributes}.
 */
public final class ProductRdsMapping {
  private ProductRdsMapping() {}

  public static RdsTableMapping product() {
    return new RdsTableMapping(
        "product",
        List.of(
            RdsColumn.of("tenant_code", "tenantCode", RdsColumnType.TEXT),
            RdsColumn.of("name", "name", RdsColumnType.TEXT),
            RdsColumn.of("description", "description", RdsColumnType.TEXT),
            RdsColumn.of("price", "price", RdsColumnType.BIGINT),
            RdsColumn.of("category", "category", RdsColumnType.TEXT),
            RdsColumn.of("tags", "tags", RdsColumnType.JSON),
            RdsColumn.of("is_active", "isActive", RdsColumnType.BOOLEAN),
            RdsColumn.of("created_at", "createdAt", RdsColumnType.TIMESTAMP),
            RdsColumn.of("updated_at", "updatedAt", RdsColumnType.TIMESTAMP),
            RdsColumn.remainingAttributes("attributes")),
        new ChangeSelector.PkPrefix("PRODUCT#"));
  }
}
