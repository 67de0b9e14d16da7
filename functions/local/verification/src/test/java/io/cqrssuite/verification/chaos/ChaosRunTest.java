package io.cqrssuite.verification.chaos;

import io.cqrssuite.verification.workload.FreshReadModels;

import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.verification.workload.WorkloadOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A small chaos run end to end: real engines behind the fault proxies, a worker process killed mid-batch, outages
 * that exhaust retries into on-failure pointers, dead letters read back from the stream and replayed — and read
 * models that match the log exactly.
 */
class ChaosRunTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();

  @Test
  void faultsKillsAndOutagesLeaveNothingLostStaleOrResurrected() throws Exception {
    Map<String, String> engines = FreshReadModels.create("chaos");

    ChaosOptions options =
        ChaosOptions.defaults()
            .withWorkload(new WorkloadOptions(300, 4, 5L, 0.20, 20, 0.10, 0.03, 0.05, 100))
            .withKillRate(0.25)
            .withOutagesPerPass(1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    int code =
        ChaosRun.run(options, ROOT, Map.of("AWS_REGION", "us-east-1", "SUITE_TABLE_MAPPINGS", ProductTables.CONFIG), engines, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(progress, true, StandardCharsets.UTF_8));

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    JsonNode result = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(code).as(out + "\n" + progress).isZero();
    assertThat(result.path("changes").asLong()).isEqualTo(1_200);
    assertThat(result.path("lost").asLong()).isZero();
    assertThat(result.path("stale").asLong()).isZero();
    assertThat(result.path("resurrected").asLong()).isZero();
    assertThat(result.path("mismatches").asLong()).isZero();
    // Each pass had one outage long enough to exhaust the head batch's retries: those records went the whole way
    // (pointer, envelopes read back from the stream, replay).
    assertThat(result.path("deadLettered").asLong()).isPositive();
    assertThat(result.path("replayed").asLong()).isEqualTo(result.path("deadLettered").asLong());
    assertThat(result.path("deadLettersLeft").asLong()).isZero();
    assertThat(result.path("kills").asInt()).isPositive();
    assertThat(result.path("workerStarts").asInt()).isEqualTo(result.path("kills").asInt() + 1);
    assertThat(result.path("faults").path("opensearch").path("errors503").asLong()).isPositive();
    assertThat(result.path("faults").path("postgres").path("resets").asLong()).isPositive();
  }
}
