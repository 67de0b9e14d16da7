package io.cqrssuite.bench.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostBenchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String SYNC = """
      {"bench":"sync","memoryMb":1024,"perThousandChanges":{"batchSize":500,"changesCounted":100000,
       "rdsStatements":6.0,"rdsRoundTrips":4.0,"openSearchRequests":2.0,"lambdaInvocations":2.0,"handlerMs":800.0,
       "gbSeconds":0.8}}""";
  private static final String COMMANDS = """
      {"bench":"commands","commands":10000,"entities":1000,"order":"random","paths":{
       "batched.moto":{"writes":"transactions","per1000Commands":{"calls":{"TransactWriteItems":10.0},
         "readUnits":800.0,"writeUnits":3400.0}},
       "batched.dynalite":{"writes":"conditional-puts","per1000Commands":{"calls":{"PutItem":1861.0},
         "readUnits":961.0,"writeUnits":1861.0}}}}""";

  @Test
  void aMillionChangesCostTheirCountedUnitsAtTheListedPrices() throws Exception {
    JsonNode cost = CostBench.compute(JSON.readTree(SYNC), JSON.readTree(COMMANDS), CostBench.prices());

    JsonNode transactions = cost.path("perMillionChanges").path("batched.moto");
    assertThat(transactions.path("dynamoDb").path("writeUnits").asLong()).isEqualTo(3_400_000);
    assertThat(transactions.path("dynamoDb").path("readUnits").asLong()).isEqualTo(800_000);
    // 3.4 M write units at $0.625 and 0.8 M read units at $0.125 per million.
    assertThat(transactions.path("dynamoDb").path("usd").asDouble()).isEqualTo(3.4 * 0.625 + 0.8 * 0.125);
    // 2 invocations a thousand changes: 2,000 a million, at $0.20 a million requests.
    assertThat(transactions.path("lambda").path("invocations").asLong()).isEqualTo(2_000);
    assertThat(transactions.path("lambda").path("requestsUsd").asDouble()).isEqualTo(0.0004);
    // 0.8 GB-s a thousand changes: 800 GB-s a million.
    assertThat(transactions.path("lambda").path("gbSeconds").asDouble()).isEqualTo(800.0);
    assertThat(transactions.path("lambda").path("computeUsd").path("arm64").asDouble()).isEqualTo(0.0107);
    assertThat(transactions.path("lambda").path("computeUsd").path("x86_64").asDouble()).isEqualTo(0.0133);
    assertThat(transactions.path("totalUsd").path("arm64").asDouble()).isEqualTo(2.225 + 0.0004 + 0.0107, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(transactions.path("rds").path("roundTrips").asLong()).isEqualTo(4_000);
    assertThat(transactions.path("openSearch").path("requests").asLong()).isEqualTo(2_000);

    JsonNode puts = cost.path("perMillionChanges").path("batched.dynalite");
    assertThat(puts.path("writes").asText()).isEqualTo("conditional-puts");
    assertThat(puts.path("dynamoDb").path("usd").asDouble())
        .isLessThan(transactions.path("dynamoDb").path("usd").asDouble());
    assertThat(cost.path("basis").path("batchSize").asInt()).isEqualTo(500);
    assertThat(cost.path("prices").path("dynamoDbOnDemand").path("source").asText()).startsWith("https://aws.amazon.com/");
  }

  @Test
  void aSyncRunFromBeforeTheCountsIsRefusedByName() throws Exception {
    assertThatThrownBy(() -> CostBench.compute(JSON.readTree("{\"bench\":\"sync\"}"), JSON.readTree(COMMANDS), CostBench.prices()))
        .hasMessageContaining("perThousandChanges");
  }

  @Test
  void theRunWritesItsJsonAndSaysWhichFilesItRead(@TempDir Path root) throws Exception {
    Path runs = Files.createDirectories(root.resolve("target/bench"));
    Files.writeString(runs.resolve("sync-20261205-120000.json"), SYNC);
    Files.writeString(runs.resolve("commands-20261205-120000.json"), COMMANDS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = CostBench.run(CostBench.Options.defaults(), root, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isZero();
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    JsonNode last = JSON.readTree(lines[lines.length - 1]);
    assertThat(last.path("bench").asText()).isEqualTo("cost");
    assertThat(last.path("inputs").path("sync").path("file").asText()).isEqualTo("target/bench/sync-20261205-120000.json");
    try (var files = Files.list(runs)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("cost-") && n.endsWith(".json"));
    }
  }

  @Test
  void withoutACommandsRunItSaysWhichBenchToRun(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("target/bench"));
    Files.writeString(root.resolve("target/bench/sync-20261205-120000.json"), SYNC);
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = CostBench.run(CostBench.Options.defaults(), root, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("./suite bench commands").doesNotContain("bench sync and");
  }
}
