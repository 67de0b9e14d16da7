package io.cqrssuite.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.DataChangeEvent.Operation;
import io.cqrssuite.factory.EventJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DataChangeEventTest {
  private static final JsonNodeFactory NODES = EventJson.newMapper().getNodeFactory();
  private static final String COMMAND = "product-command";
  private static final String DATA = "product-data";
  private static final String HISTORY = "product-history";

  /** A full image as the attribute-value conversion leaves it. */
  private static ObjectNode image(String pk, String sk, String code, long version) {
    ObjectNode image = NODES.objectNode();
    if (pk != null) {
      image.put("pk", pk);
    }
    if (sk != null) {
      image.put("sk", sk);
    }
    if (code != null) {
      image.put("code", code);
    }
    image.put("version", version);
    image.put("name", "Trail Running Shoes");
    image.put("isDeleted", false);
    return image;
  }

  private static ObjectNode keys(String pk, String sk) {
    ObjectNode keys = NODES.objectNode();
    keys.put("pk", pk);
    keys.put("sk", sk);
    return keys;
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
    return event(table, Operation.INSERT, false, keys("PRODUCT#acme", "P-001@0000000001"), null, newImage);
  }

  private static InvalidEventException rejection(DataChangeEvent event) {
    InvalidEventException e = catchThrowableOfType(InvalidEventException.class, event::change);
    assertThat(e).as("change() must be refused").isNotNull();
    return e;
  }

  // ---- changes that are no entity change ---------------------------------------------------------------------

  @Test
  void ttlRemoveIsHousekeepingOnACommandTable() {
    ObjectNode old = image("PRODUCT#acme", "P-007@0000000001", "P-007", 1);
    DataChangeEvent ttl = event(COMMAND, Operation.REMOVE, true, keys("PRODUCT#acme", "P-007@0000000001"), old, null);

    assertThat(ttl.change()).isEmpty();
  }

  @Test
  void ttlRemoveIsHousekeepingOnADataTableToo() {
    ObjectNode old = image("PRODUCT#acme", "P-007", "P-007", 5);
    DataChangeEvent ttl = event(DATA, Operation.REMOVE, true, keys("PRODUCT#acme", "P-007"), old, null);

    assertThat(ttl.change()).isEmpty();
  }

  @Test
  void commandTableRemoveIsNeverADelete() {
    ObjectNode old = image("PRODUCT#acme", "P-001@0000000001", "P-001", 1);
    DataChangeEvent remove = event(COMMAND, Operation.REMOVE, false, keys("PRODUCT#acme", "P-001@0000000001"), old, null);

    assertThat(remove.change()).isEmpty();
  }

  @Test
  void commandTableRemoveIsEmptyForEitherTableNameStyle() {
    ObjectNode old = image("PRODUCT#acme", "P-001@0000000001", "P-001", 1);

    assertThat(event("product_command", Operation.REMOVE, false, null, old, null).change()).isEmpty();
    assertThat(event("Product-Command", Operation.REMOVE, false, null, old, null).change()).isEmpty();
  }

  @Test
  void historyTableWritesAreNoEntityChange() {
    ObjectNode history = image("PRODUCT#acme", "P-001@0000000001", "P-001", 1);

    assertThat(insert(HISTORY, history).change()).isEmpty();
    assertThat(insert("product_history", history).change()).isEmpty();
  }

  // ---- entity changes -----------------------------------------------------------------------------------------

  @Test
  void commandTableInsertIsAnUpsertWithTheCodeBeforeTheLastAt() {
    ObjectNode image = image("PRODUCT#acme", "P-001@0000000002", null, 2);

    ChangeRecord change = insert(COMMAND, image).change().orElseThrow();

    assertThat(change.table()).isEqualTo(COMMAND);
    assertThat(change.pk()).isEqualTo("PRODUCT#acme");
    assertThat(change.code()).isEqualTo("P-001");
    assertThat(change.id()).isEqualTo("PRODUCT#acme#P-001");
    assertThat(change.version()).isEqualTo(2L);
    assertThat(change.deleted()).isFalse();
    assertThat(change.image()).isSameAs(image);
  }

  @Test
  void commandTableCodeMayItselfContainAt() {
    ChangeRecord change = insert(COMMAND, image("USER#acme", "a@example.com@0000000003", null, 3)).change().orElseThrow();

    assertThat(change.code()).isEqualTo("a@example.com");
    assertThat(change.id()).isEqualTo("USER#acme#a@example.com");
  }

  @Test
  void codeAttributeIsPreferredOverTheSortKey() {
    ChangeRecord onCommand = insert(COMMAND, image("PRODUCT#acme", "LEGACY@0000000003", "P-009", 3)).change().orElseThrow();
    ChangeRecord onData = insert(DATA, image("PRODUCT#acme", "legacy-sk", "P-009", 3)).change().orElseThrow();

    assertThat(onCommand.code()).isEqualTo("P-009");
    assertThat(onData.code()).isEqualTo("P-009");
    assertThat(onData.id()).isEqualTo("PRODUCT#acme#P-009");
  }

  @Test
  void dataTableSortKeyWithAtIsKeptWholeAsTheCode() {
    ChangeRecord change = insert(DATA, image("USER#acme", "a@example.com", null, 7)).change().orElseThrow();

    assertThat(change.code()).isEqualTo("a@example.com");
    assertThat(change.id()).isEqualTo("USER#acme#a@example.com");
    assertThat(change.version()).isEqualTo(7L);
  }

  @Test
  void tableWithoutConventionalSuffixIsADataTable() {
    ChangeRecord change = insert("products", image("PRODUCT#acme", "P-1@0000000002", null, 2)).change().orElseThrow();

    assertThat(change.code()).isEqualTo("P-1@0000000002");
  }

  @Test
  void dataTableRemoveIsADeleteCarryingTheOldImageAndItsVersion() {
    ObjectNode old = image("PRODUCT#acme", "P-005", "P-005", 3);
    DataChangeEvent remove = event(DATA, Operation.REMOVE, false, keys("PRODUCT#acme", "P-005"), old, null);

    ChangeRecord change = remove.change().orElseThrow();

    assertThat(change.deleted()).isTrue();
    assertThat(change.version()).isEqualTo(3L);
    assertThat(change.image()).isSameAs(old);
    assertThat(change.id()).isEqualTo("PRODUCT#acme#P-005");
  }

  @Test
  void modifyUsesTheNewImage() {
    ObjectNode old = image("PRODUCT#acme", "P-001", "P-001", 1);
    ObjectNode now = image("PRODUCT#acme", "P-001", "P-001", 2);

    ChangeRecord change = event(DATA, Operation.MODIFY, false, keys("PRODUCT#acme", "P-001"), old, now).change().orElseThrow();

    assertThat(change.version()).isEqualTo(2L);
    assertThat(change.image()).isSameAs(now);
  }

  @Test
  void isDeletedTrueIsADelete() {
    ObjectNode image = image("PRODUCT#acme", "P-002@0000000004", "P-002", 4);
    image.put("isDeleted", true);

    ChangeRecord change = insert(COMMAND, image).change().orElseThrow();

    assertThat(change.deleted()).isTrue();
    assertThat(change.version()).isEqualTo(4L);
  }

  @Test
  void pkAndSortKeyMayComeFromTheKeysAlone() {
    ObjectNode image = image(null, null, null, 5);

    ChangeRecord change =
        event(COMMAND, Operation.INSERT, false, keys("PRODUCT#acme", "P-003@0000000005"), null, image)
            .change()
            .orElseThrow();

    assertThat(change.pk()).isEqualTo("PRODUCT#acme");
    assertThat(change.code()).isEqualTo("P-003");
  }

  @Test
  void bigDecimalVersionWithoutFractionIsAccepted() {
    ObjectNode image = image("PRODUCT#acme", "P-001", "P-001", 0);
    image.put("version", new BigDecimal("12"));

    assertThat(insert(DATA, image).change().orElseThrow().version()).isEqualTo(12L);
  }

  @Test
  void updatedAtMillisWorkAsAVersion() {
    ObjectNode image = image("PRODUCT#acme", "P-001", "P-001", 1795565100123L);

    assertThat(insert(DATA, image).change().orElseThrow().version()).isEqualTo(1795565100123L);
  }

  // ---- bad images ---------------------------------------------------------------------------------------------

  @Test
  void missingPkIsRefusedNamingPk() {
    ObjectNode image = image(null, "P-001", "P-001", 1);

    InvalidEventException e = rejection(event(DATA, Operation.INSERT, false, null, null, image));

    assertThat(e.where()).isEqualTo("dynamodb.NewImage.pk");
  }

  @Test
  void emptyPkIsRefusedNamingPk() {
    ObjectNode image = image("", "P-001", "P-001", 1);

    assertThat(rejection(insert(DATA, image)).where()).isEqualTo("dynamodb.NewImage.pk");
  }

  @Test
  void missingVersionIsRefusedNamingVersion() {
    ObjectNode image = image("PRODUCT#acme", "P-004@0000000001", "P-004", 1);
    image.remove("version");

    InvalidEventException e = rejection(insert(COMMAND, image));

    assertThat(e.where()).isEqualTo("dynamodb.NewImage.version");
    assertThat(e).hasMessageContaining("missing");
  }

  @Test
  void nullVersionIsRefusedNamingVersion() {
    ObjectNode image = image("PRODUCT#acme", "P-001", "P-001", 1);
    image.putNull("version");

    assertThat(rejection(insert(DATA, image)).where()).isEqualTo("dynamodb.NewImage.version");
  }

  @Test
  void fractionalVersionIsRefused() {
    ObjectNode image = image("PRODUCT#acme", "P-001", "P-001", 1);
    image.put("version", new BigDecimal("1.5"));

    InvalidEventException e = rejection(insert(DATA, image));

    assertThat(e.where()).isEqualTo("dynamodb.NewImage.version");
    assertThat(e).hasMessageContaining("integer").hasMessageContaining("1.5");
  }

  @Test
  void negativeVersionIsRefused() {
    ObjectNode image = image("PRODUCT#acme", "P-001", "P-001", -1);

    InvalidEventException e = rejection(insert(DATA, image));

    assertThat(e.where()).isEqualTo("dynamodb.NewImage.version");
    assertThat(e).hasMessageContaining("non-negative");
  }

  @Test
  void stringVersionIsRefused() {
    ObjectNode image = image("PRODUCT#acme", "P-001", "P-001", 1);
    image.put("version", "1");

    InvalidEventException e = rejection(insert(DATA, image));

    assertThat(e.where()).isEqualTo("dynamodb.NewImage.version");
    assertThat(e).hasMessageContaining("must be a number");
  }

  @Test
  void versionBeyondLongIsRefused() {
    ObjectNode image = image("PRODUCT#acme", "P-001", "P-001", 1);
    image.put("version", new BigInteger("99999999999999999999"));

    assertThat(rejection(insert(DATA, image)).where()).isEqualTo("dynamodb.NewImage.version");
  }

  @Test
  void removeWithoutVersionNamesTheOldImage() {
    ObjectNode old = image("PRODUCT#acme", "P-005", "P-005", 3);
    old.remove("version");

    InvalidEventException e = rejection(event(DATA, Operation.REMOVE, false, keys("PRODUCT#acme", "P-005"), old, null));

    assertThat(e.where()).isEqualTo("dynamodb.OldImage.version");
  }

  @Test
  void missingCodeAndSortKeyIsRefused() {
    ObjectNode image = image("PRODUCT#acme", null, null, 1);

    InvalidEventException e = rejection(event(DATA, Operation.INSERT, false, null, null, image));

    assertThat(e.where()).isEqualTo("dynamodb.NewImage");
    assertThat(e).hasMessageContaining("code").hasMessageContaining("sk");
  }

  @Test
  void codeThatIsNotAStringIsRefusedNamingCode() {
    ObjectNode image = image("PRODUCT#acme", "P-001", null, 1);
    image.put("code", 42);

    assertThat(rejection(insert(DATA, image)).where()).isEqualTo("dynamodb.NewImage.code");
  }

  @Test
  void missingNewImageIsRefusedNamingTheViewType() {
    InvalidEventException e = rejection(event(DATA, Operation.INSERT, false, keys("PRODUCT#acme", "P-001"), null, null));

    assertThat(e.where()).isEqualTo("dynamodb.NewImage");
    assertThat(e).hasMessageContaining("NEW_AND_OLD_IMAGES");
  }

  @Test
  void missingOldImageOnADataTableRemoveIsRefused() {
    InvalidEventException e = rejection(event(DATA, Operation.REMOVE, false, keys("PRODUCT#acme", "P-001"), null, null));

    assertThat(e.where()).isEqualTo("dynamodb.OldImage");
  }

  @Test
  void tableKindAndSourceAreDerived() {
    DataChangeEvent event = insert(COMMAND, image("PRODUCT#acme", "P-001@0000000001", "P-001", 1));

    assertThat(event.tableKind()).isEqualTo(TableKind.COMMAND);
    assertThat(event.source()).isEqualTo(EventSource.DYNAMODB_STREAM);
    assertThat(TableKind.of("product-data")).isEqualTo(TableKind.DATA);
    assertThat(TableKind.of(null)).isEqualTo(TableKind.DATA);
  }
}
