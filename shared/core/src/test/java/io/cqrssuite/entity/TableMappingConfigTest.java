package io.cqrssuite.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.fixtures.ProductTables;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Table mappings declared in {@code SUITE_TABLE_MAPPINGS}, and every mistake refused before any record is read. */
class TableMappingConfigTest {
  @Test
  void theCatalogsTablesReadAsTheyAreDeclaredInCode() {
    String config =
        """
        [{"table": "dev-catalog-product-command", "entities": [{"type": "product", "key": "pk,sk",
          "code": "before-last:@", "version": "version"}], "removes": "housekeeping", "deletedFlag": "isDeleted"},
         {"table": "dev-catalog-product-data", "type": "product", "key": "pk,sk", "deletedFlag": "isDeleted"}]
        """;

    assertThat(TableMappingConfig.parse(config)).containsExactly(ProductTables.COMMAND_MAPPING, ProductTables.DATA_MAPPING);
  }

  @Test
  void aSingleTableOfTwoTypesAndAnIdKeyedTableWithATimestamp() {
    List<TableMapping> mappings =
        TableMappingConfig.parse(
            """
            [{"table": "app", "entities": [
               {"type": "customer", "when": "SK=CUSTOMER#", "key": "PK,SK", "code": "after:CUSTOMER#"},
               {"type": "order", "when": "SK=ORDER#", "key": "PK,SK", "code": "after:ORDER#", "version": "timestamp:updatedAt"}]},
             {"table": "ExampleTableWithStream", "key": "Id", "version": "timestamp:updatedAt"}]
            """);

    TableMapping app = mappings.get(0);
    assertThat(app.entities()).extracting(EntityMapping::type).containsExactly("customer", "order");
    assertThat(app.entities().get(1).when()).isEqualTo(new KeyPrefix("SK", "ORDER#"));
    assertThat(app.entities().get(1).version()).isEqualTo(new VersionSource.Timestamp("updatedAt"));
    assertThat(app.removes()).isEqualTo(TableMapping.Removes.DELETE);
    TableMapping byId = mappings.get(1);
    assertThat(byId.entities().get(0).type()).isEqualTo("ExampleTableWithStream");
    assertThat(byId.entities().get(0).identity()).isEqualTo(new Identity.SingleKey("Id"));
  }

  @Test
  void whatFormatWritesParseReadsBackAsEqualMappings() {
    List<TableMapping> mappings =
        List.of(
            ProductTables.COMMAND_MAPPING,
            TableMapping.builder("app")
                .entity(EntityMapping.keyPair("order", "PK", "SK", new CodeRule.AfterPrefix("ORDER#"), new VersionSource.Timestamp("updatedAt"))
                    .when("SK", "ORDER#"))
                .entity(EntityMapping.keyPair("line", "PK", "SK", new CodeRule.Whole(), new VersionSource.IntegerAttribute("v"))
                    .when("SK", "LINE#"))
                .build(),
            TableMapping.of("things", EntityMapping.singleKey("thing", "Id", new VersionSource.IntegerAttribute("version"))));

    assertThat(TableMappingConfig.parse(TableMappingConfig.format(mappings))).isEqualTo(mappings);
  }

  @Test
  void unsetOrBlankDeclaresNoMapping() {
    assertThat(TableMappingConfig.parse(null)).isEmpty();
    assertThat(TableMappingConfig.parse("  ")).isEmpty();
  }

  @Test
  void anUnknownKeyFormIsRefusedNamingTheEntry() {
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \"a,b,c\"}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SUITE_TABLE_MAPPINGS[0] (table 'orders'): unknown key form 'a,b,c'");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \",\"}]"))
        .hasMessageContaining("unknown key form");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\"}]")).hasMessageContaining("'key' is missing");
  }

  @Test
  void malformedMappingsAreRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> TableMappingConfig.parse("{\"table\": \"orders\"}")).hasMessageContaining("must be a JSON array");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \"Id\"")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \"Id\", \"verison\": \"v\"}]"))
        .hasMessageContaining("unknown field 'verison'");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"o\", \"key\": \"Id\"}]"))
        .hasMessageContaining("exact name");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \"PK,SK\", \"code\": \"after:\"}]"))
        .hasMessageContaining("prefix must not be empty");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \"PK,SK\", \"code\": \"middle\"}]"))
        .hasMessageContaining("'code' must be whole");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \"Id\", \"code\": \"after:X\"}]"))
        .hasMessageContaining("one-attribute key takes its code whole");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \"Id\", \"version\": \"millis:updatedAt\"}]"))
        .hasMessageContaining("timestamp:<attribute>");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \"Id\", \"removes\": \"ignore\"}]"))
        .hasMessageContaining("'removes' must be delete or housekeeping");
    assertThatThrownBy(() -> TableMappingConfig.parse(
            "[{\"table\": \"app\", \"entities\": [{\"type\": \"a\", \"key\": \"PK,SK\"}, {\"type\": \"b\", \"key\": \"PK,SK\"}]}]"))
        .hasMessageContaining("each needs a key prefix");
    assertThatThrownBy(() -> TableMappingConfig.parse(
            "[{\"table\": \"app\", \"entities\": [{\"type\": \"a\", \"when\": \"SK=A#\", \"key\": \"PK,SK\"},"
                + " {\"type\": \"a\", \"when\": \"SK=B#\", \"key\": \"PK,SK\"}]}]"))
        .hasMessageContaining("maps entity type 'a' twice");
    assertThatThrownBy(() -> TableMappingConfig.parse("[{\"table\": \"orders\", \"key\": \"pk,pk\"}]"))
        .hasMessageContaining("must differ");
  }

  @Test
  void twoMappingsForOneTableAreRefusedNamingTheTable() {
    List<TableMapping> fromCode = List.of(ProductTables.COMMAND_MAPPING);
    List<TableMapping> fromConfig =
        TableMappingConfig.parse("[{\"table\": \"" + ProductTables.COMMAND + "\", \"key\": \"pk,sk\"}]");

    assertThatThrownBy(() -> new TableMappings(java.util.stream.Stream.concat(fromCode.stream(), fromConfig.stream()).toList()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two mappings for table '" + ProductTables.COMMAND + "'");
  }
}
