package io.cqrssuite.sync.rds;

import io.cqrssuite.sync.ChangeSelector;
import java.util.List;

/**
 * The tests' read model: a user's product table, fed from the catalog's product changes in {@code events/}, with the
 * schema of this module's test resources ({@code db/migration/<dialect>/V1__product.sql}).
 */
final class ProductTable {
  private ProductTable() {}

  static RdsTableMapping product() {
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
