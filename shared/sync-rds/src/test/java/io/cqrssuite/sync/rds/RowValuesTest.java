package io.cqrssuite.sync.rds;

import io.cqrssuite.sync.ChangeSelector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.factory.EventJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RowValuesTest {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final Instant SYNCED = Instant.parse("2026-11-25T01:00:00Z");
  private static final RdsTableMapping MAPPING =
      new RdsTableMapping(
          "item",
          List.of(
              RdsColumn.of("name", "name", RdsColumnType.TEXT),
              RdsColumn.of("price", "price", RdsColumnType.BIGINT),
              RdsColumn.of("weight", "weight", RdsColumnType.NUMERIC),
              RdsColumn.of("active", "isActive", RdsColumnType.BOOLEAN),
              RdsColumn.of("updated_at", "updatedAt", RdsColumnType.TIMESTAMP),
              RdsColumn.of("tags", "tags", RdsColumnType.JSON),
              RdsColumn.remainingAttributes("attributes")),
          new ChangeSelector.PkPrefix("ITEM#"));
  private static final VerifiedTable TABLE =
      new VerifiedTable(
          MAPPING,
          RowLayout.of(MAPPING),
          Map.of("name", new ColumnInfo("name", "varchar", 10L)),
          new PostgresDialect().upsertSql(RowLayout.of(MAPPING)));

  private static ChangeRecord change(Consumer<ObjectNode> customise) {
    ObjectNode image = JSON.createObjectNode();
    image.put("pk", "ITEM#t1").put("sk", "A-1").put("code", "A-1").put("version", 7).put("isDeleted", false);
    customise.accept(image);
    return new ChangeRecord("item-data", "ITEM#t1", "A-1", "ITEM#t1#A-1", 7, false, image);
  }

  private static Map<String, Object> values(ChangeRecord change) {
    Object[] values = RowValues.of(change, TABLE, SYNCED);
    Map<String, Object> byColumn = new java.util.HashMap<>();
    for (int i = 0; i < values.length; i++) {
      byColumn.put(TABLE.layout().slots().get(i).column(), values[i]);
    }
    return byColumn;
  }

  @Test
  void layoutPutsTheGuardColumnsLast() {
    assertThat(TABLE.layout().columnNames())
        .startsWith("id", "pk", "code")
        .endsWith("synced_at", "is_deleted", "version");
  }

  @Test
  void everyTypeConvertsFromItsJsonForms() throws Exception {
    Map<String, Object> values =
        values(
            change(
                image -> {
                  image.put("name", "Shoe");
                  image.put("price", "129800");
                  image.put("weight", new BigDecimal("0.350"));
                  image.put("isActive", "TRUE");
                  image.put("updatedAt", "2026-11-25T09:10:11.123+09:00");
                  image.putArray("tags").add("a");
                  image.putObject("dimensions").put("width", new BigDecimal("12345678901234567890.123456789"));
                }));

    assertThat(values)
        .containsEntry("id", "ITEM#t1#A-1")
        .containsEntry("name", "Shoe")
        .containsEntry("price", 129800L)
        .containsEntry("weight", new BigDecimal("0.350"))
        .containsEntry("active", true)
        .containsEntry("updated_at", Instant.parse("2026-11-25T00:10:11.123Z"))
        .containsEntry("tags", "[\"a\"]")
        .containsEntry("synced_at", SYNCED)
        .containsEntry("is_deleted", false)
        .containsEntry("version", 7L);
    // Exact, unexponented numbers; identity attributes stay in their own columns.
    assertThat(values.get("attributes")).isEqualTo("{\"dimensions\":{\"width\":12345678901234567890.123456789}}");
  }

  @Test
  void epochMillisAreTimestampsAndMissingAttributesAreNull() {
    Map<String, Object> values = values(change(image -> image.put("updatedAt", 1795565411000L).putNull("name")));

    assertThat(values.get("updated_at")).isEqualTo(Instant.ofEpochMilli(1795565411000L));
    assertThat(values.get("name")).isNull();
    assertThat(values.get("price")).isNull();
  }

  @Test
  void valuesThatDoNotFitNameRecordColumnAndTypeAndKeepTheValueForTheEnvelope() {
    assertThatThrownBy(() -> values(change(image -> image.put("price", 12.5))))
        .isInstanceOf(ColumnValueException.class)
        .hasMessageContaining("ITEM#t1#A-1")
        .hasMessageContaining("item.price")
        .hasMessageContaining("a number of 3 digits")
        .hasMessageNotContaining("12.5")
        .satisfies(e -> assertThat(((ColumnValueException) e).detail()).hasValueSatisfying(d -> assertThat(d).contains("12.5")));
    assertThatThrownBy(() -> values(change(image -> image.put("isActive", "yes"))))
        .hasMessageContaining("item.active")
        .hasMessageContaining("not a boolean")
        .hasMessageNotContaining("yes");
    assertThatThrownBy(() -> values(change(image -> image.put("updatedAt", "25/11/2026"))))
        .hasMessageContaining("item.updated_at")
        .hasMessageContaining("a string of 10 characters")
        .hasMessageNotContaining("25/11/2026")
        .satisfies(e -> assertThat(((ColumnValueException) e).detail()).hasValueSatisfying(d -> assertThat(d).contains("\"25/11/2026\"")));
    assertThatThrownBy(() -> values(change(image -> image.put("name", "ÅÅÅÅÅÅÅÅÅÅÅ"))))
        .hasMessageContaining("at most 10 characters, the value has 11")
        .hasMessageNotContaining("Å");
    assertThatThrownBy(() -> values(change(image -> image.put("weight", "heavy"))))
        .isInstanceOf(ColumnValueException.class)
        .hasMessageContaining("item.weight")
        .hasMessageNotContaining("heavy");
  }
}
