package io.cqrssuite.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DataChangeEvent.Operation;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.fixtures.ProductTables;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stream record's meaning to the read models, by its table's mapping (contract §1). */
class TableMappingsTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  private static final String COMMAND = ProductTables.COMMAND;
  private static final String DATA = ProductTables.DATA;
  private static final String HISTORY = "dev-catalog-product-history";
  private static final TableMappings PRODUCTS = ProductTables.MAPPINGS;

  private static final TableMapping SINGLE_TABLE =
      TableMapping.builder("app")
          .entity(EntityMapping.keyPair("customer", "PK", "SK", new CodeRule.AfterPrefix("CUSTOMER#"), new VersionSource.IntegerAttribute("version"))
              .when("SK", "CUSTOMER#"))
          .entity(EntityMapping.keyPair("order", "PK", "SK", new CodeRule.AfterPrefix("ORDER#"), new VersionSource.Timestamp("updatedAt"))
              .when("SK", "ORDER#"))
          .build();
  private static final TableMapping ID_KEYED =
      TableMapping.of("ExampleTableWithStream", EntityMapping.singleKey("message", "Id", new VersionSource.Timestamp("updatedAt")));

  // ---- what is no entity change -------------------------------------------------------------------------------

  @Test
  void aTableWithoutAMappingIsForTheHandlersWhateverItsKeys() {
    ObjectNode keys = NODES.objectNode().put("Id", 101);
    ObjectNode image = NODES.objectNode().put("Id", 101).put("Message", "New item!");

    Resolution resolution = PRODUCTS.resolve(event("ExampleTableWithStream", Operation.INSERT, false, keys, null, image));

    assertThat(resolution).isInstanceOf(Resolution.Unmapped.class);
    assertThat(((Resolution.Unmapped) resolution).why()).contains("ExampleTableWithStream");
  }

  @Test
  void aHistoryTableIsNotMappedSoItsWritesAreNoEntityChange() {
    ObjectNode history = image("PRODUCT#acme", "P-001@0000000001", 1);

    assertThat(PRODUCTS.resolve(insert(HISTORY, history))).isInstanceOf(Resolution.Unmapped.class);
  }

  @Test
  void ttlRemoveIsHousekeepingOnACommandTable() {
    ObjectNode old = image("PRODUCT#acme", "P-007@0000000001", 1);

    assertThat(PRODUCTS.resolve(event(COMMAND, Operation.REMOVE, true, keys("PRODUCT#acme", "P-007@0000000001"), old, null)))
        .isInstanceOf(Resolution.Housekeeping.class);
  }

  @Test
  void ttlRemoveIsHousekeepingOnADataTableToo() {
    ObjectNode old = image("PRODUCT#acme", "P-007", 4);

    Resolution resolution = PRODUCTS.resolve(event(DATA, Operation.REMOVE, true, keys("PRODUCT#acme", "P-007"), old, null));

    assertThat(resolution).isEqualTo(new Resolution.Housekeeping("TTL expiry"));
  }

  @Test
  void aRemoveTheMappingCallsHousekeepingIsNeverADelete() {
    ObjectNode old = image("PRODUCT#acme", "P-001@0000000002", 2);

    assertThat(PRODUCTS.resolve(event(COMMAND, Operation.REMOVE, false, keys("PRODUCT#acme", "P-001@0000000002"), old, null)))
        .isInstanceOf(Resolution.Housekeeping.class);
  }

  @Test
  void anItemOfNoMappedTypeInASingleTableIsForTheHandlers() {
    ObjectNode image = NODES.objectNode().put("PK", "CUSTOMER#c-1").put("SK", "META#settings").put("version", 1);

    assertThat(new TableMappings(List.of(SINGLE_TABLE)).resolve(insert("app", image))).isInstanceOf(Resolution.Unmapped.class);
  }

  // ---- entity changes ------------------------------------------------------------------------------------------

  @Test
  void commandTableInsertIsAnUpsertWithTheCodeBeforeTheLastAt() {
    ObjectNode image = image("PRODUCT#acme", "P-001@0000000002", 2);

    ChangeRecord change = change(PRODUCTS, insert(COMMAND, image));

    assertThat(change.table()).isEqualTo(COMMAND);
    assertThat(change.type()).isEqualTo("product");
    assertThat(change.pk()).isEqualTo("PRODUCT#acme");
    assertThat(change.code()).isEqualTo("P-001");
    assertThat(change.id()).isEqualTo("PRODUCT#acme#P-001");
    assertThat(change.version()).isEqualTo(2L);
    assertThat(change.deleted()).isFalse();
    assertThat(change.image()).isSameAs(image);
  }

  @Test
  void commandTableCodeMayItselfContainAt() {
    ChangeRecord change = change(PRODUCTS, insert(COMMAND, image("USER#acme", "a@example.com@0000000003", 3)));

    assertThat(change.code()).isEqualTo("a@example.com");
    assertThat(change.id()).isEqualTo("USER#acme#a@example.com");
  }

  @Test
  void dataTableSortKeyWithAtIsKeptWholeAsTheCode() {
    ChangeRecord change = change(PRODUCTS, insert(DATA, image("USER#acme", "a@example.com", 7)));

    assertThat(change.code()).isEqualTo("a@example.com");
    assertThat(change.id()).isEqualTo("USER#acme#a@example.com");
    assertThat(change.version()).isEqualTo(7L);
  }

  @Test
  void dataTableRemoveIsADeleteCarryingTheOldImageAndItsVersion() {
    ObjectNode old = image("PRODUCT#acme", "P-005", 3);

    ChangeRecord change = change(PRODUCTS, event(DATA, Operation.REMOVE, false, keys("PRODUCT#acme", "P-005"), old, null));

    assertThat(change.deleted()).isTrue();
    assertThat(change.version()).isEqualTo(3L);
    assertThat(change.image()).isSameAs(old);
    assertThat(change.id()).isEqualTo("PRODUCT#acme#P-005");
  }

  @Test
  void modifyUsesTheNewImage() {
    ObjectNode old = image("PRODUCT#acme", "P-001", 1);
    ObjectNode now = image("PRODUCT#acme", "P-001", 2);

    ChangeRecord change = change(PRODUCTS, event(DATA, Operation.MODIFY, false, keys("PRODUCT#acme", "P-001"), old, now));

    assertThat(change.version()).isEqualTo(2L);
    assertThat(change.image()).isSameAs(now);
  }

  @Test
  void theDeletedFlagMarksADelete() {
    ObjectNode image = image("PRODUCT#acme", "P-002@0000000004", 4);
    image.put("isDeleted", true);

    ChangeRecord change = change(PRODUCTS, insert(COMMAND, image));

    assertThat(change.deleted()).isTrue();
    assertThat(change.version()).isEqualTo(4L);
  }

  @Test
  void keyAttributesMayComeFromTheKeysAlone() {
    ObjectNode image = NODES.objectNode().put("version", 5);

    ChangeRecord change =
        change(PRODUCTS, event(COMMAND, Operation.INSERT, false, keys("PRODUCT#acme", "P-003@0000000005"), null, image));

    assertThat(change.pk()).isEqualTo("PRODUCT#acme");
    assertThat(change.code()).isEqualTo("P-003");
  }

  @Test
  void twoEntityTypesOfASingleTableAreToldApartByTheirKeyPrefix() {
    TableMappings mappings = new TableMappings(List.of(SINGLE_TABLE));
    ObjectNode customer = NODES.objectNode().put("PK", "CUSTOMER#c-1").put("SK", "CUSTOMER#c-1").put("version", 3);
    ObjectNode order =
        NODES.objectNode().put("PK", "CUSTOMER#c-1").put("SK", "ORDER#o-9").put("updatedAt", "2026-12-01T10:15:30.123Z");

    ChangeRecord c = change(mappings, insert("app", customer));
    ChangeRecord o = change(mappings, insert("app", order));

    assertThat(c.type()).isEqualTo("customer");
    assertThat(c.id()).isEqualTo("CUSTOMER#c-1#c-1");
    assertThat(c.version()).isEqualTo(3L);
    assertThat(o.type()).isEqualTo("order");
    assertThat(o.code()).isEqualTo("o-9");
    assertThat(o.id()).isEqualTo("CUSTOMER#c-1#o-9");
    assertThat(o.version()).isEqualTo(Instant.parse("2026-12-01T10:15:30.123Z").toEpochMilli());
  }

  @Test
  void whenTwoPrefixesMatchTheLongestTellsTheType() {
    VersionSource version = new VersionSource.IntegerAttribute("version");
    // Declared broader first: the order line must still not be taken for an order.
    TableMappings mappings = new TableMappings(List.of(TableMapping.builder("app")
        .entity(EntityMapping.keyPair("order", "PK", "SK", new CodeRule.AfterPrefix("ORDER#"), version).when("SK", "ORDER#"))
        .entity(EntityMapping.keyPair("line", "PK", "SK", new CodeRule.AfterPrefix("ORDER#LINE#"), version).when("SK", "ORDER#LINE#"))
        .build()));

    ChangeRecord line = change(mappings, insert("app", NODES.objectNode().put("PK", "C#1").put("SK", "ORDER#LINE#7").put("version", 1)));
    ChangeRecord order = change(mappings, insert("app", NODES.objectNode().put("PK", "C#1").put("SK", "ORDER#o-9").put("version", 1)));

    assertThat(line.type()).isEqualTo("line");
    assertThat(line.code()).isEqualTo("7");
    assertThat(order.type()).isEqualTo("order");
  }

  @Test
  void aNumericSingleKeyIsTheCodeAndTheTypeItsPartition() {
    ObjectNode keys = NODES.objectNode().put("Id", new BigDecimal("101"));
    ObjectNode image = NODES.objectNode().put("Id", new BigDecimal("101")).put("updatedAt", 1796000000123L);

    ChangeRecord change = change(new TableMappings(List.of(ID_KEYED)), event("ExampleTableWithStream", Operation.INSERT, false, keys, null, image));

    assertThat(change.pk()).isEqualTo("message");
    assertThat(change.code()).isEqualTo("101");
    assertThat(change.id()).isEqualTo("message#101");
    assertThat(change.version()).isEqualTo(1796000000123L);
  }

  @Test
  void aBinaryKeyIsItsBase64Text() {
    ObjectNode keys = NODES.objectNode().put("Id", "AAEC");
    ObjectNode image = NODES.objectNode().put("Id", "AAEC").put("updatedAt", 5);

    ChangeRecord change = change(new TableMappings(List.of(ID_KEYED)), event("ExampleTableWithStream", Operation.INSERT, false, keys, null, image));

    assertThat(change.code()).isEqualTo("AAEC");
  }

  @Test
  void anIsoTimestampWithAnOffsetIsTakenAsEpochMilliseconds() {
    ObjectNode image = NODES.objectNode().put("Id", 7).put("updatedAt", "2026-12-01T19:15:30.5+09:00");

    ChangeRecord change = change(new TableMappings(List.of(ID_KEYED)), insert("ExampleTableWithStream", image));

    assertThat(change.version()).isEqualTo(Instant.parse("2026-12-01T10:15:30.500Z").toEpochMilli());
  }

  @Test
  void bigDecimalVersionWithoutFractionIsAccepted() {
    ObjectNode image = image("PRODUCT#acme", "P-001", 0);
    image.put("version", new BigDecimal("12"));

    assertThat(change(PRODUCTS, insert(DATA, image)).version()).isEqualTo(12L);
  }

  // ---- records that lack what their mapping needs: permanent, naming the table and attribute -----------------

  @Test
  void missingVersionIsRefusedNamingTheTableAndTheAttribute() {
    ObjectNode image = image("PRODUCT#acme", "P-004@0000000001", 1);
    image.remove("version");

    MappingException e = rejection(PRODUCTS, insert(COMMAND, image));

    assertThat(e.table()).isEqualTo(COMMAND);
    assertThat(e.attribute()).isEqualTo("version");
    assertThat(e).hasMessage("table '" + COMMAND + "': attribute 'version' is missing: every change of a mapped table needs its version");
  }

  @Test
  void theMessageOfARefusalNeverCarriesTheRecordsValues() {
    ObjectNode image = image("PRODUCT#acme", "P-001", 1);
    image.put("version", "secret-1");

    assertThat(rejection(PRODUCTS, insert(DATA, image))).hasMessageNotContaining("secret");
  }

  @Test
  void nullVersionIsRefused() {
    ObjectNode image = image("PRODUCT#acme", "P-001", 1);
    image.putNull("version");

    assertThat(rejection(PRODUCTS, insert(DATA, image)).attribute()).isEqualTo("version");
  }

  @Test
  void fractionalVersionIsRefused() {
    ObjectNode image = image("PRODUCT#acme", "P-001", 1);
    image.put("version", new BigDecimal("1.5"));

    assertThat(rejection(PRODUCTS, insert(DATA, image))).hasMessageContaining("non-negative integer");
  }

  @Test
  void negativeVersionIsRefused() {
    assertThat(rejection(PRODUCTS, insert(DATA, image("PRODUCT#acme", "P-001", -1)))).hasMessageContaining("non-negative");
  }

  @Test
  void stringVersionIsRefusedWhereAnIntegerIsMapped() {
    ObjectNode image = image("PRODUCT#acme", "P-001", 1);
    image.put("version", "1");

    assertThat(rejection(PRODUCTS, insert(DATA, image))).hasMessageContaining("must be a number (N)");
  }

  @Test
  void versionBeyondLongIsRefused() {
    ObjectNode image = image("PRODUCT#acme", "P-001", 1);
    image.put("version", new BigInteger("99999999999999999999"));

    assertThat(rejection(PRODUCTS, insert(DATA, image)).attribute()).isEqualTo("version");
  }

  @Test
  void aTimestampThatIsNoInstantIsRefused() {
    ObjectNode image = NODES.objectNode().put("Id", 7).put("updatedAt", "yesterday");

    assertThat(rejection(new TableMappings(List.of(ID_KEYED)), insert("ExampleTableWithStream", image)))
        .hasMessageContaining("'updatedAt' is not an ISO-8601 instant");
  }

  @Test
  void removeWithoutVersionIsRefused() {
    ObjectNode old = image("PRODUCT#acme", "P-005", 3);
    old.remove("version");

    assertThat(rejection(PRODUCTS, event(DATA, Operation.REMOVE, false, keys("PRODUCT#acme", "P-005"), old, null)).attribute())
        .isEqualTo("version");
  }

  @Test
  void missingKeyAttributeIsRefusedNamingIt() {
    ObjectNode image = NODES.objectNode().put("pk", "PRODUCT#acme").put("version", 1);

    assertThat(rejection(PRODUCTS, event(DATA, Operation.INSERT, false, null, null, image)).attribute()).isEqualTo("sk");
  }

  @Test
  void emptyPartitionIsRefused() {
    ObjectNode image = image("", "P-001", 1);

    assertThat(rejection(PRODUCTS, event(DATA, Operation.INSERT, false, null, null, image)).attribute()).isEqualTo("pk");
  }

  @Test
  void aCodeWithoutItsPrefixIsRefused() {
    TableMapping orders =
        TableMapping.of("orders", EntityMapping.keyPair("order", "PK", "SK", new CodeRule.AfterPrefix("ORDER#"), new VersionSource.IntegerAttribute("version")));
    ObjectNode image = NODES.objectNode().put("PK", "CUSTOMER#c-1").put("SK", "LINE#1").put("version", 1);

    assertThat(rejection(new TableMappings(List.of(orders)), insert("orders", image))).hasMessageContaining("after:ORDER#");
  }

  @Test
  void missingNewImageIsRefusedNamingTheViewType() {
    MappingException e = rejection(PRODUCTS, event(DATA, Operation.INSERT, false, keys("PRODUCT#acme", "P-001"), null, null));

    assertThat(e.attribute()).isEqualTo("NewImage");
    assertThat(e).hasMessageContaining("NEW_AND_OLD_IMAGES");
  }

  @Test
  void missingOldImageOnADataTableRemoveIsRefused() {
    assertThat(rejection(PRODUCTS, event(DATA, Operation.REMOVE, false, keys("PRODUCT#acme", "P-001"), null, null)).attribute())
        .isEqualTo("OldImage");
  }

  @Test
  void aChangeEventIsFromTheStreamWhateverItsTable() {
    assertThat(insert("anything", NODES.objectNode()).source()).isEqualTo(EventSource.DYNAMODB_STREAM);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  /** A full image as the attribute-value conversion leaves it. */
  private static ObjectNode image(String pk, String sk, long version) {
    ObjectNode image = NODES.objectNode();
    if (pk != null) {
      image.put("pk", pk);
    }
    if (sk != null) {
      image.put("sk", sk);
    }
    image.put("version", version);
    image.put("name", "Trail Running Shoes");
    image.put("isDeleted", false);
    return image;
  }

  private static ObjectNode keys(String pk, String sk) {
    return NODES.objectNode().put("pk", pk).put("sk", sk);
  }

  private static DataChangeEvent event(
      String table, Operation operation, boolean ttl, ObjectNode keys, ObjectNode oldImage, ObjectNode newImage) {
    return new DataChangeEvent(
        "event-1",
        table,
        operation,
        ttl,
        keys,
        oldImage,
        newImage,
        "100",
        Instant.ofEpochSecond(1795565100),
        "arn:aws:dynamodb:ap-northeast-1:123456789012:table/" + table + "/stream/2026-11-01T00:00:00.000",
        "ap-northeast-1");
  }

  private static DataChangeEvent insert(String table, ObjectNode newImage) {
    return event(table, Operation.INSERT, false, null, null, newImage);
  }

  private static ChangeRecord change(TableMappings mappings, DataChangeEvent event) {
    Resolution resolution = mappings.resolve(event);
    assertThat(resolution).isInstanceOf(Resolution.Entity.class);
    return ((Resolution.Entity) resolution).change();
  }

  private static MappingException rejection(TableMappings mappings, DataChangeEvent event) {
    MappingException e = catchThrowableOfType(MappingException.class, () -> mappings.resolve(event));
    assertThat(e).as("the mapping must refuse the record").isNotNull();
    return e;
  }
}
