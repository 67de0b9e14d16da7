package io.cqrssuite.verification;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ./suite run}'s check against faulty syncs: a small run through each mutant exits 1 with mismatches, and
 * the unmutated sync exits 0. The run stops after the stream job (the workflow stages are not what is mutated).
 */
class SyncRunMutantsTest {
  private static final WorkloadOptions SMALL = WorkloadOptions.defaults().withEntities(50).withVersions(3).withSeed(3);

  @ParameterizedTest
  @EnumSource(SyncMutant.class)
  void aSmallRunFailsForEveryMutantAndPassesForTheRealSync(SyncMutant mutant) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(FreshReadModels.create("run"));
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_TABLE_MAPPINGS", ProductTables.CONFIG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    int code = SyncRun.run(SMALL, SampleEvents.repositoryRoot(), env, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(progress, true, StandardCharsets.UTF_8), mutant, false);

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    String shown = mutant + "\n" + out + "\n" + progress;
    if (mutant == SyncMutant.NONE) {
      assertThat(code).as(shown).isZero();
      assertThat(summary.path("mismatches").asLong()).as(shown).isZero();
    } else {
      assertThat(code).as(shown).isEqualTo(1);
      assertThat(summary.path("mismatches").asLong()).as(shown).isPositive();
    }
  }
}
