package io.cqrssuite.entrypoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cqrssuite.factory.EventJson;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TaskTokenReaderTest {
  private static final String TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAjsbZcQ8GwVI7Axsn-VOZel8yFxE_YTxmyAq+nAu/QLgBzz96pO1rZ==";

  private final TaskTokenReader reader = new TaskTokenReader(EventJson.newMapper().getFactory());

  @Test
  void validJsonNamesItsTokenAtTheTopLevelWhereverItIs() {
    String body = "{\"input\": {\"rows\": \"" + "x".repeat(TaskTokenReader.SCAN_LIMIT * 2) + "\"}, \"taskToken\": \"" + TOKEN + "\"}";

    assertThat(reader.read(body)).as("valid JSON is read to the end, as the decoder read it").isEqualTo(TOKEN);
  }

  @Test
  void aTokenNestedInValidJsonIsNotTheTasksOwn() {
    assertThat(reader.read("{\"input\": {\"taskToken\": \"" + TOKEN + "\"}, \"executionId\": \"e\"}")).isNull();
    assertThat(reader.read("[{\"taskToken\": \"" + TOKEN + "\"}]")).isNull();
    assertThat(reader.read("\"taskToken\"")).isNull();
  }

  @Test
  void jsonBrokenAfterTheTokenStillNamesIt() {
    assertThat(reader.read("{\"taskToken\": \"" + TOKEN + "\", \"input\": {\"rows\": 5")).isEqualTo(TOKEN);
  }

  @Test
  void jsonBrokenBeforeTheTokenIsScanned() {
    assertThat(reader.read("{\"input\": {oops}, \"taskToken\" :\n \"" + TOKEN + "\"}")).isEqualTo(TOKEN);
    assertThat(reader.read("not json at all \"taskToken\":\"" + TOKEN + "\"")).isEqualTo(TOKEN);
    assertThat(reader.read("{\"a\": 1, \"a\": 2, \"taskToken\": \"" + TOKEN + "\"}")).as("a duplicate key").isEqualTo(TOKEN);
  }

  @Test
  void theScanSkipsCandidatesThatAreNoTokenAndTakesTheFirstThatIs() {
    String body = "{oops \"taskToken\" \"x\", \"taskToken\": 7, \"taskToken\": \"two words\", \"taskToken\": \"" + TOKEN + "\"";

    assertThat(reader.read(body)).isEqualTo(TOKEN);
  }

  @Test
  void theScanLooksOnlyWithinItsBound() {
    String prefix = "{oops ";
    String field = "\"taskToken\": \"";
    String justInside = prefix + " ".repeat(TaskTokenReader.SCAN_LIMIT - prefix.length() - field.length() - TOKEN.length() - 1);
    String straddling = prefix + " ".repeat(TaskTokenReader.SCAN_LIMIT - prefix.length() - field.length() - 10);

    assertThat(reader.read(justInside + field + TOKEN + "\"")).isEqualTo(TOKEN);
    assertThat(reader.read(straddling + field + TOKEN + "\"")).as("cut by the bound").isNull();
    assertThat(reader.read(prefix + "x".repeat(3_000_000) + field + TOKEN + "\"")).isNull();
  }

  @Test
  void onlyAPlausibleTokenCounts() {
    assertThat(TaskTokenReader.plausible(TOKEN)).isTrue();
    assertThat(TaskTokenReader.plausible("a".repeat(TaskTokenReader.MAX_TOKEN))).isTrue();
    assertThat(TaskTokenReader.plausible("a".repeat(TaskTokenReader.MAX_TOKEN + 1))).isFalse();
    assertThat(TaskTokenReader.plausible("")).isFalse();
    assertThat(TaskTokenReader.plausible("two words")).isFalse();
    assertThat(TaskTokenReader.plausible("tok\"en")).isFalse();
    assertThat(reader.read("{\"taskToken\": 12345}")).isNull();
    assertThat(reader.read("{\"taskToken\": null, \"x\": {oops \"taskToken\": \"" + TOKEN + "\"")).as("the first one decides").isNull();
    assertThat(reader.read("{\"taskToken\": \"" + "a".repeat(TaskTokenReader.MAX_TOKEN + 1) + "\"}")).isNull();
    assertThat(reader.read("{oops \"taskToken\": \"" + "a".repeat(TaskTokenReader.MAX_TOKEN + 1) + "\"}")).isNull();
  }

  @Test
  void nothingOddThrowsOrHangs() {
    String[] odd = {
      null,
      "",
      "{",
      "{\"taskToken\"",
      "{\"taskToken\":",
      "{\"taskToken\": \"",
      "{oops \"taskToken\"",
      "{oops \"taskToken\" : ",
      "{oops \"taskToken\" : \"" + TOKEN,
      "[".repeat(200_000),
      "{\"a\":".repeat(200_000),
      "{oops " + "\"taskToken\": 1, ".repeat(500_000),
      "{oops " + "\"taskToken\": \"" + "a".repeat(4000) + "x".repeat(10),
      "{\"taskToken\": \"\ud800\"}",
      "\u0000\u0001{\"taskToken\"\u0000"
    };
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          for (String body : odd) {
            assertThat(reader.read(body)).isNull();
          }
        });
  }
}
