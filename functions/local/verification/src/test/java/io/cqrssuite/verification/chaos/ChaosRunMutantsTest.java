package io.cqrssuite.verification.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.verification.workload.FreshReadModels;
import io.cqrssuite.verification.workload.SyncMutant;
import io.cqrssuite.verification.workload.WorkloadOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ./suite chaos}'s check against faulty syncs: a small chaos run (few products, background faults and a
 * kill rate, no outages) through each mutant exits 1 with mismatches, and the unmutated sync exits 0.
 */
class ChaosRunMutantsTest {
  private static final ChaosOptions SMALL =
      ChaosOptions.defaults().withWorkload(new WorkloadOptions(50, 3, 9L, 0.20, 20, 0.10, 0.03, 0.05, 100)).withKillRate(0.1).withOutagesPerPass(0);

  @ParameterizedTest
  @EnumSource(SyncMutant.class)
  void aSmallChaosRunFailsForEveryMutantAndPassesForTheRealSync(SyncMutant mutant) throws Exception {
    Map<String, String> engines = FreshReadModels.create("chaosmut");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    int code =
        ChaosRun.run(SMALL, SampleEvents.repositoryRoot(), Map.of("AWS_REGION", "us-east-1", "SUITE_TABLE_MAPPINGS", ProductTables.CONFIG), engines,
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(progress, true, StandardCharsets.UTF_8), mutant);

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    JsonNode result = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    String shown = mutant + "\n" + out + "\n" + progress;
    if (mutant == SyncMutant.NONE) {
      assertThat(code).as(shown).isZero();
      assertThat(result.path("mismatches").asLong()).as(shown).isZero();
    } else {
      assertThat(code).as(shown).isEqualTo(1);
      assertThat(result.path("mismatches").asLong()).as(shown).isPositive();
    }
  }
}
