package io.cqrssuite.sync.rds;

import io.cqrssuite.sync.ChangeSelector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cqrssuite.event.ChangeRecord;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RdsTableMappingTest {
  private static final ChangeSelector ANY = new ChangeSelector.PkPrefix("P");

  @ParameterizedTest
  @ValueSource(strings = {"product; DROP TABLE x", "\"product\"", "Product", "1product", "prod-uct", "product ", ""})
  void identifiersOutsideTheShapeAreRefusedByName(String name) {
    assertThatThrownBy(() -> new RdsTableMapping(name, List.of(), ANY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "'");
    assertThatThrownBy(() -> RdsColumn.of(name, "a", RdsColumnType.TEXT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "'");
  }

  @Test
  void aNameOfSixtyFourCharactersIsRefused() {
    assertThat(new RdsTableMapping("a".repeat(63), List.of(), ANY).table()).hasSize(63);
    assertThatThrownBy(() -> new RdsTableMapping("a".repeat(64), List.of(), ANY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mappedColumnsMayNotShadowFixedOnesOrRepeat() {
    assertThatThrownBy(() -> new RdsTableMapping("t", List.of(RdsColumn.of("version", "v", RdsColumnType.BIGINT)), ANY))
        .hasMessageContaining("'version'");
    assertThatThrownBy(
            () ->
                new RdsTableMapping(
                    "t",
                    List.of(RdsColumn.of("a", "x", RdsColumnType.TEXT), RdsColumn.of("a", "y", RdsColumnType.TEXT)),
                    ANY))
        .hasMessageContaining("'a'");
    assertThatThrownBy(() -> new RdsColumn("rest", RdsColumn.REMAINING_ATTRIBUTES, RdsColumnType.TEXT))
        .hasMessageContaining("JSON");
  }

  @Test
  void selectorsTakeChangesByPkPrefixOrTableSuffix() {
    ChangeRecord product =
        new ChangeRecord(
            "dev-catalog-product-command", "PRODUCT#acme", "P-1", "PRODUCT#acme#P-1", 1, false,
            JsonNodeFactory.instance.objectNode());
    ChangeRecord order =
        new ChangeRecord("dev-order-data", "ORDER#acme", "O-1", "ORDER#acme#O-1", 1, false, JsonNodeFactory.instance.objectNode());

    assertThat(new ChangeSelector.PkPrefix("PRODUCT#").accepts(product)).isTrue();
    assertThat(new ChangeSelector.PkPrefix("PRODUCT#").accepts(order)).isFalse();
    ChangeSelector tables = new ChangeSelector.TableSuffix(List.of("product-command", "product-data"));
    assertThat(tables.accepts(product)).isTrue();
    assertThat(tables.accepts(order)).isFalse();
  }
}
