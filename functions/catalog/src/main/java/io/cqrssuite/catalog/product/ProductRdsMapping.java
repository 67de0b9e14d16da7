package io.cqrssuite.catalog.product;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
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

  /**
   * A product change the mapping takes, every column filled, for a migration's canary to model itself on
   * ({@code CanaryHealth} replaces its code, id and version): a migration that adds a column the sync does not fill,
   * or changes a type the image's values no longer fit, then fails its health check. Its partition is reserved.
   */
  public static ChangeRecord canaryTemplate(String sourceTable) {
    String pk = "PRODUCT#__migration_canary__";
    ObjectNode image = JsonNodeFactory.instance.objectNode()
        .put("pk", pk)
        .put("sk", "__migration_canary__")
        .put("tenantCode", "__migration_canary__")
        .put("name", "schema migration canary")
        .put("description", "written and deleted by a schema migration's health check")
        .put("price", 0)
        .put("category", "__migration_canary__")
        .put("isActive", false)
        .put("createdAt", "2026-01-01T00:00:00.000Z")
        .put("updatedAt", "2026-01-01T00:00:00.000Z");
    image.putArray("tags").add("canary");
    return new ChangeRecord(sourceTable, pk, "__migration_canary__", ChangeRecord.idOf(pk, "__migration_canary__"), 0, false, image, "product");
  }
}
