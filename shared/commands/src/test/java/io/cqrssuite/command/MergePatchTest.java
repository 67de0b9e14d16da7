package io.cqrssuite.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.factory.EventJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7386 Appendix A, every example, plus the guarantee that neither input is modified. */
class MergePatchTest {
  private static final ObjectMapper MAPPER = EventJson.newMapper();

  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(delimiter = '|', value = {
    "{\"a\":\"b\"}                | {\"a\":\"c\"}                    | {\"a\":\"c\"}",
    "{\"a\":\"b\"}                | {\"b\":\"c\"}                    | {\"a\":\"b\",\"b\":\"c\"}",
    "{\"a\":\"b\"}                | {\"a\":null}                     | {}",
    "{\"a\":\"b\",\"b\":\"c\"}    | {\"a\":null}                     | {\"b\":\"c\"}",
    "{\"a\":[\"b\"]}              | {\"a\":\"c\"}                    | {\"a\":\"c\"}",
    "{\"a\":\"c\"}                | {\"a\":[\"b\"]}                  | {\"a\":[\"b\"]}",
    "{\"a\":{\"b\":\"c\"}}        | {\"a\":{\"b\":\"d\",\"c\":null}} | {\"a\":{\"b\":\"d\"}}",
    "{\"a\":[{\"b\":\"c\"}]}      | {\"a\":[1]}                      | {\"a\":[1]}",
    "[\"a\",\"b\"]                | [\"c\",\"d\"]                    | [\"c\",\"d\"]",
    "{\"a\":\"b\"}                | [\"c\"]                          | [\"c\"]",
    "{\"a\":\"foo\"}              | null                             | null",
    "{\"a\":\"foo\"}              | \"bar\"                          | \"bar\"",
    "{\"e\":null}                 | {\"a\":1}                        | {\"e\":null,\"a\":1}",
    "[1,2]                        | {\"a\":\"b\",\"c\":null}         | {\"a\":\"b\"}",
    "{}                           | {\"a\":{\"bb\":{\"ccc\":null}}}  | {\"a\":{\"bb\":{}}}",
  })
  void appliesTheExamplesOfRfc7386AppendixA(String target, String patch, String expected) throws Exception {
    JsonNode targetNode = MAPPER.readTree(target);
    JsonNode patchNode = MAPPER.readTree(patch);
    JsonNode targetBefore = targetNode.deepCopy();
    JsonNode patchBefore = patchNode.deepCopy();

    JsonNode result = MergePatch.apply(targetNode, patchNode);

    assertThat(result).isEqualTo(MAPPER.readTree(expected));
    assertThat(targetNode).isEqualTo(targetBefore);
    assertThat(patchNode).isEqualTo(patchBefore);
  }

  @Test
  void nestedObjectsMergeWhileArraysAreReplaced() throws Exception {
    JsonNode result = MergePatch.apply(
        MAPPER.readTree("{\"tags\":[\"a\",\"b\"],\"dims\":{\"w\":1,\"h\":2,\"d\":{\"x\":1}}}"),
        MAPPER.readTree("{\"tags\":[\"c\"],\"dims\":{\"h\":null,\"d\":{\"y\":2}}}"));
    assertThat(result).isEqualTo(MAPPER.readTree("{\"tags\":[\"c\"],\"dims\":{\"w\":1,\"d\":{\"x\":1,\"y\":2}}}"));
  }
}
