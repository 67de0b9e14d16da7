package io.cqrssuite.verification.chaos;

import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.testing.lambda.SamTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The chaos run's stand-in for a stream event-source mapping delivers as AWS documents it. */
class StreamMappingTest {
  private static final StreamMapping.Settings SETTINGS = new StreamMapping.Settings(10, 3, true);

  @Test
  void readsTheMappingSettingsFromTheTemplate() throws Exception {
    StreamMapping.Settings settings = StreamMapping.Settings.fromTemplate(SamTemplate.load(Path.of(SampleEvents.repositoryRoot().toString(), "template.yaml")), "EventFactoryFunction");
    assertThat(settings).isEqualTo(new StreamMapping.Settings(500, 10, true));
  }

  @Test
  void aCleanShardTakesOneInvocationPerBatch() throws Exception {
    List<ObjectNode> shard = shard(25);
    List<List<String>> calls = new ArrayList<>();
    StreamMapping.Stats stats =
        new StreamMapping(SETTINGS).deliver(shard, batch -> {
              calls.add(sequences(batch));
              return new StreamMapping.Answer.Returned(null);
            }, (given, count) -> {
              throw new AssertionError("nothing is given up");
            }, () -> {});
    assertThat(stats.invocations).isEqualTo(3);
    assertThat(calls).extracting(List::size).containsExactly(10, 10, 5);
  }

  @Test
  void aReportedFailureCheckpointsBeforeItAndRetriesOnlyTheRest() throws Exception {
    List<ObjectNode> shard = shard(10);
    List<List<String>> calls = new ArrayList<>();
    new StreamMapping(SETTINGS).deliver(shard, batch -> {
          calls.add(sequences(batch));
          // The 4th record fails on its first delivery only.
          return calls.size() == 1 ? new StreamMapping.Answer.Returned(seq(3)) : new StreamMapping.Answer.Returned(null);
        }, (given, count) -> {
          throw new AssertionError("nothing is given up");
        }, () -> {});
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1)).first().isEqualTo(seq(3));
    assertThat(calls.get(1)).hasSize(7);
  }

  @Test
  void aFunctionErrorBisectsDownToThePoisonRecordWhichAloneIsGivenUpAfterItsRetries() throws Exception {
    List<ObjectNode> shard = shard(10);
    String poison = seq(6);
    List<String> delivered = new ArrayList<>();
    List<List<String>> givenUp = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    StreamMapping.Stats stats =
        new StreamMapping(SETTINGS).deliver(shard, batch -> {
              if (sequences(batch).contains(poison)) {
                return new StreamMapping.Answer.FunctionError("Runtime.ExitError", "killed");
              }
              delivered.addAll(sequences(batch));
              return new StreamMapping.Answer.Returned(null);
            }, (given, count) -> {
              givenUp.add(sequences(given));
              counts.add(count);
            }, () -> {});
    assertThat(givenUp).containsExactly(List.of(poison));
    assertThat(counts).containsExactly(SETTINGS.maximumRetryAttempts() + 1);
    assertThat(delivered).hasSize(9).doesNotContain(poison).doesNotHaveDuplicates();
    assertThat(stats.bisections).isPositive();
    assertThat(stats.recordsGivenUp).isEqualTo(1);
  }

  @Test
  void aHeadThatKeepsFailingIsGivenUpWithTheRestOfItsBatchAndTheShardMovesOn() throws Exception {
    List<ObjectNode> shard = shard(20);
    List<List<String>> givenUp = new ArrayList<>();
    List<String> later = new ArrayList<>();
    StreamMapping.Stats stats =
        new StreamMapping(SETTINGS).deliver(shard, batch -> {
              if (sequences(batch).contains(seq(2))) {
                return new StreamMapping.Answer.Returned(seq(2));
              }
              later.addAll(sequences(batch));
              return new StreamMapping.Answer.Returned(null);
            }, (given, count) -> givenUp.add(sequences(given)), () -> {});
    assertThat(givenUp).singleElement().satisfies(g -> assertThat(g).hasSize(8).first().isEqualTo(seq(2)));
    assertThat(later).hasSize(10).first().isEqualTo(seq(10));
    assertThat(stats.invocations).isEqualTo(1 + SETTINGS.maximumRetryAttempts() + 1);
  }

  private static List<ObjectNode> shard(int n) {
    List<ObjectNode> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ObjectNode record = JsonNodeFactory.instance.objectNode();
      record.putObject("dynamodb").put("SequenceNumber", seq(i));
      records.add(record);
    }
    return records;
  }

  private static String seq(int i) {
    return Long.toString(1_000_000L + i * 100L);
  }

  private static List<String> sequences(List<ObjectNode> batch) {
    List<String> s = new ArrayList<>();
    batch.forEach(r -> s.add(r.path("dynamodb").path("SequenceNumber").asText()));
    return s;
  }
}
