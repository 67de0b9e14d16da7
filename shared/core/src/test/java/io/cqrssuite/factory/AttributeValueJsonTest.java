package io.cqrssuite.factory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.failure.FailureKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class AttributeValueJsonTest {
  private static final String WHERE = "NewImage.attr";

  private final ObjectMapper mapper = EventJson.newMapper();
  private final AttributeValueJson converter = new AttributeValueJson(mapper.getNodeFactory());

  private JsonNode tree(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("bad test JSON: " + json, e);
    }
  }

  private JsonNode convert(String attributeValue) {
    return converter.value(tree(attributeValue), WHERE);
  }

  private String json(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private InvalidEventException rejection(String attributeValue) {
    InvalidEventException e =
        catchThrowableOfType(InvalidEventException.class, () -> converter.value(tree(attributeValue), WHERE));
    assertThat(e).as("converting %s must be rejected", attributeValue).isNotNull();
    return e;
  }

  // ---- S ------------------------------------------------------------------------------------------------------

  @Test
  void stringBecomesAJsonString() {
    JsonNode node = convert("{\"S\": \"Trail shoes 「防水」\"}");

    assertThat(node.isTextual()).isTrue();
    assertThat(node.textValue()).isEqualTo("Trail shoes 「防水」");
  }

  @Test
  void stringThatIsNotAJsonStringIsRejectedWithPath() {
    InvalidEventException e = rejection("{\"S\": 12}");

    assertThat(e.where()).isEqualTo(WHERE + ".S");
    assertThat(e).hasMessageContaining("must be a string");
  }

  // ---- N ------------------------------------------------------------------------------------------------------

  @Test
  void integerNumberBecomesAnIntegralNode() {
    JsonNode node = convert("{\"N\": \"129800\"}");

    assertThat(node.isIntegralNumber()).isTrue();
    assertThat(node.longValue()).isEqualTo(129800L);
    assertThat(json(node)).isEqualTo("129800");
  }

  @Test
  void negativeIntegerStaysNegative() {
    assertThat(convert("{\"N\": \"-42\"}").longValue()).isEqualTo(-42L);
  }

  @Test
  void longMaxValueFitsInALongNode() {
    JsonNode node = convert("{\"N\": \"9223372036854775807\"}");

    assertThat(node.isLong()).isTrue();
    assertThat(node.longValue()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void integerBeyondLongStaysAnExactBigInteger() {
    JsonNode justAbove = convert("{\"N\": \"9223372036854775808\"}");
    JsonNode huge = convert("{\"N\": \"123456789012345678901234567890\"}");

    assertThat(justAbove.isBigInteger()).isTrue();
    assertThat(justAbove.bigIntegerValue()).isEqualTo(new BigInteger("9223372036854775808"));
    assertThat(huge.isBigInteger()).isTrue();
    assertThat(huge.bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(json(huge)).isEqualTo("123456789012345678901234567890");
  }

  @Test
  void highPrecisionDecimalStaysExact() {
    JsonNode node = convert("{\"N\": \"12345678901234567890.123456789\"}");

    assertThat(node.isBigDecimal()).as("a decimal must never pass through double").isTrue();
    // BigDecimal.equals compares the unscaled value and the scale: nothing may be lost or rounded.
    assertThat(node.decimalValue()).isEqualTo(new BigDecimal("12345678901234567890.123456789"));
    assertThat(json(node)).isEqualTo("12345678901234567890.123456789");
  }

  @Test
  void decimalKeepsItsScale() {
    JsonNode node = convert("{\"N\": \"12.50\"}");

    assertThat(node.decimalValue()).isEqualTo(new BigDecimal("12.50"));
    assertThat(node.decimalValue().scale()).isEqualTo(2);
    assertThat(json(node)).isEqualTo("12.50");
  }

  @Test
  void numberWithExponentIsAnExactDecimal() {
    JsonNode node = convert("{\"N\": \"1.5E+3\"}");

    assertThat(node.isBigDecimal()).isTrue();
    assertThat(node.decimalValue()).isEqualByComparingTo("1500");
  }

  @Test
  void numberThatIsNotANumberIsRejectedWithPath() {
    InvalidEventException e = rejection("{\"N\": \"abc\"}");

    assertThat(e.where()).isEqualTo(WHERE + ".N");
    assertThat(e).hasMessageContaining("not a number").hasMessageContaining("3 characters").hasMessageNotContaining("abc");
    assertThat(e.detail()).as("the value, for the dead-letter envelope only").hasValueSatisfying(d -> assertThat(d).contains("abc"));
  }

  @Test
  void numberGivenAsAJsonNumberIsRejected() {
    // DynamoDB always sends N as a string; a bare JSON number is a malformed attribute value.
    InvalidEventException e = rejection("{\"N\": 12}");

    assertThat(e.where()).isEqualTo(WHERE + ".N");
  }

  // ---- B ------------------------------------------------------------------------------------------------------

  @Test
  void validBase64BinaryIsKeptAsTheBase64String() {
    String png =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAIB4iE7xAAAAABJRU5ErkJggg==";

    JsonNode node = convert("{\"B\": \"" + png + "\"}");

    assertThat(node.isTextual()).isTrue();
    assertThat(node.textValue()).isEqualTo(png);
  }

  @Test
  void invalidBase64BinaryIsRejectedWithPath() {
    InvalidEventException e = rejection("{\"B\": \"not*base64!\"}");

    assertThat(e.where()).isEqualTo(WHERE + ".B");
    assertThat(e).hasMessageContaining("base64");
  }

  // ---- BOOL, NULL ---------------------------------------------------------------------------------------------

  @Test
  void booleansBecomeJsonBooleans() {
    assertThat(convert("{\"BOOL\": true}").isBoolean()).isTrue();
    assertThat(convert("{\"BOOL\": true}").booleanValue()).isTrue();
    assertThat(convert("{\"BOOL\": false}").booleanValue()).isFalse();
  }

  @Test
  void boolGivenAsTextIsRejectedWithPath() {
    InvalidEventException e = rejection("{\"BOOL\": \"yes\"}");

    assertThat(e.where()).isEqualTo(WHERE + ".BOOL");
  }

  @Test
  void nullTrueBecomesJsonNull() {
    JsonNode node = convert("{\"NULL\": true}");

    assertThat(node.isNull()).isTrue();
  }

  @Test
  void nullFalseIsRejectedWithPath() {
    InvalidEventException e = rejection("{\"NULL\": false}");

    assertThat(e.where()).isEqualTo(WHERE + ".NULL");
  }

  // ---- L, M ---------------------------------------------------------------------------------------------------

  @Test
  void listConvertsEveryElementInOrder() {
    JsonNode node =
        convert("{\"L\": [{\"S\": \"a\"}, {\"N\": \"1\"}, {\"L\": [{\"BOOL\": true}]}, {\"NULL\": true}, {\"N\": \"0.10\"}]}");

    assertThat(node.isArray()).isTrue();
    assertThat(json(node)).isEqualTo("[\"a\",1,[true],null,0.10]");
  }

  @Test
  void emptyListStaysEmpty() {
    assertThat(json(convert("{\"L\": []}"))).isEqualTo("[]");
  }

  @Test
  void nestedMapsConvertRecursively() {
    JsonNode node =
        convert(
            "{\"M\": {\"width\": {\"N\": \"12.5\"}, \"height\": {\"N\": \"3\"},"
                + " \"inner\": {\"M\": {\"unit\": {\"S\": \"cm\"}, \"tags\": {\"SS\": [\"x\"]}}}}}");

    assertThat(node.isObject()).isTrue();
    assertThat(json(node)).isEqualTo("{\"width\":12.5,\"height\":3,\"inner\":{\"unit\":\"cm\",\"tags\":[\"x\"]}}");
    assertThat(node.at("/width").decimalValue()).isEqualTo(new BigDecimal("12.5"));
  }

  @Test
  void errorInsideNestedMapAndListNamesTheFullPath() {
    InvalidEventException inMap = rejection("{\"M\": {\"dims\": {\"M\": {\"width\": {\"N\": \"wide\"}}}}}");
    InvalidEventException inList = rejection("{\"L\": [{\"S\": \"ok\"}, {\"BOOL\": \"no\"}]}");

    assertThat(inMap.where()).isEqualTo(WHERE + ".M.dims.M.width.N");
    assertThat(inList.where()).isEqualTo(WHERE + ".L[1].BOOL");
  }

  @Test
  void mapThatIsNotAnObjectIsRejected() {
    assertThat(rejection("{\"M\": [1]}").where()).isEqualTo(WHERE + ".M");
  }

  @Test
  void listThatIsNotAnArrayIsRejected() {
    assertThat(rejection("{\"L\": {\"S\": \"x\"}}").where()).isEqualTo(WHERE + ".L");
  }

  // ---- SS, NS, BS ---------------------------------------------------------------------------------------------

  @Test
  void stringSetBecomesAnArrayInDeliveredOrder() {
    assertThat(json(convert("{\"SS\": [\"black\", \"red\", \"navy\"]}"))).isEqualTo("[\"black\",\"red\",\"navy\"]");
  }

  @Test
  void numberSetBecomesAnArrayOfExactNumbers() {
    JsonNode node = convert("{\"NS\": [\"24.5\", \"25\", \"26.50\", \"99999999999999999999\"]}");

    assertThat(json(node)).isEqualTo("[24.5,25,26.50,99999999999999999999]");
    assertThat(node.get(0).decimalValue()).isEqualTo(new BigDecimal("24.5"));
    assertThat(node.get(1).isIntegralNumber()).isTrue();
    assertThat(node.get(3).isBigInteger()).isTrue();
  }

  @Test
  void numberSetWithABadElementNamesTheElement() {
    InvalidEventException e = rejection("{\"NS\": [\"1\", \"abc\"]}");

    assertThat(e.where()).isEqualTo(WHERE + ".NS[1]");
  }

  @Test
  void binarySetKeepsValidBase64() {
    JsonNode node =
        convert(
            "{\"BS\": [\"DQwPBl+LSejD5kLfou2jVwYX/xD7NLp7FC0AeFjH/eo=\", \"p6PXgySt29v+hXoF8/JlbKz0v/rur5B2PN2+z07Rr4c=\"]}");

    assertThat(json(node))
        .isEqualTo(
            "[\"DQwPBl+LSejD5kLfou2jVwYX/xD7NLp7FC0AeFjH/eo=\",\"p6PXgySt29v+hXoF8/JlbKz0v/rur5B2PN2+z07Rr4c=\"]");
  }

  @Test
  void binarySetWithInvalidBase64NamesTheElement() {
    InvalidEventException e = rejection("{\"BS\": [\"AAAA\", \"%%%\"]}");

    assertThat(e.where()).isEqualTo(WHERE + ".BS[1]");
    assertThat(e).hasMessageContaining("base64");
  }

  @Test
  void stringSetWithANonStringElementNamesTheElement() {
    assertThat(rejection("{\"SS\": [\"a\", 2]}").where()).isEqualTo(WHERE + ".SS[1]");
  }

  // ---- malformed attribute values -----------------------------------------------------------------------------

  @Test
  void attributeValueWithTwoTypeKeysIsRejectedWithPath() {
    InvalidEventException e = rejection("{\"S\": \"a\", \"N\": \"1\"}");

    assertThat(e.where()).isEqualTo(WHERE);
    assertThat(e).hasMessageContaining("exactly one type key");
  }

  @Test
  void attributeValueWithNoTypeKeyIsRejected() {
    assertThat(rejection("{}").where()).isEqualTo(WHERE);
  }

  @Test
  void attributeValueThatIsNotAnObjectIsRejected() {
    assertThat(rejection("\"plain\"").where()).isEqualTo(WHERE);
  }

  @Test
  void unknownTypeIsRejectedWithPathAndTypeName() {
    InvalidEventException e = rejection("{\"X\": \"1\"}");

    assertThat(e.where()).isEqualTo(WHERE);
    assertThat(e).hasMessageContaining("unknown attribute type 'X'");
  }

  @Test
  void malformedAttributeValuesArePermanentFailures() {
    assertThat(FailureClassifier.classify(rejection("{\"X\": \"1\"}"))).isEqualTo(FailureKind.PERMANENT);
  }

  // ---- whole items --------------------------------------------------------------------------------------------

  @Test
  void itemConvertsEveryAttributeAndPrefixesPathsWithTheItemName() {
    ObjectNode item =
        converter.item(
            tree("{\"pk\": {\"S\": \"PRODUCT#acme\"}, \"version\": {\"N\": \"2\"}, \"isDeleted\": {\"BOOL\": false}}"),
            "dynamodb.NewImage");

    assertThat(json(item)).isEqualTo("{\"pk\":\"PRODUCT#acme\",\"version\":2,\"isDeleted\":false}");

    InvalidEventException e =
        catchThrowableOfType(
            InvalidEventException.class,
            () -> converter.item(tree("{\"pk\": {\"S\": \"x\"}, \"price\": {\"N\": \"1,000\"}}"), "dynamodb.NewImage"));
    assertThat(e).isNotNull();
    assertThat(e.where()).isEqualTo("dynamodb.NewImage.price.N");
  }

  @Test
  void absentOrNullItemStaysNull() {
    assertThat(converter.item(null, "dynamodb.OldImage")).isNull();
    assertThat(converter.item(tree("null"), "dynamodb.OldImage")).isNull();
  }

  @Test
  void itemThatIsNotAnObjectIsRejected() {
    InvalidEventException e =
        catchThrowableOfType(InvalidEventException.class, () -> converter.item(tree("[1]"), "dynamodb.Keys"));

    assertThat(e).isNotNull();
    assertThat(e.where()).isEqualTo("dynamodb.Keys");
  }
}
