package io.cqrssuite.bench.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A small run of every path on real dynalite and moto: the JSON's shape, the tables checked, and what the counts
 * must show whatever the machine (never a timing): the batched paths make fewer calls than record by record, and
 * transactions pay twice the write units of the same puts.
 */
class CommandsBenchTest {
  private static final Path ROOT = Path.of("../../..").toAbsolutePath().normalize();

  @Test
  void everyPathSyncsTheLogAndReportsCallsAndCapacityUnitsPerThousandCommands() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // Each entity's 5 versions together: deliveries of 100 hold 20 entities of 5 versions each.
    CommandsBench.Options options = CommandsBench.Options.defaults().withCommands(500).withEntities(100).withBatch(100).withGrouped();

    int exit = CommandsBench.run(options, ROOT, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

    assertThat(exit).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.path("bench").asText()).isEqualTo("commands");
    assertThat(json.path("machine").path("cores").asInt()).isPositive();
    assertThat(json.path("commands").asInt()).isEqualTo(500);
    JsonNode paths = json.path("paths");
    assertThat(paths.size()).isEqualTo(4);
    paths.forEach(path -> {
      assertThat(path.path("check").asText()).isEqualTo("ok");
      assertThat(path.path("commandsPerSecond").asDouble()).isPositive();
    });
    JsonNode perRecord = paths.path("per-record.dynalite").path("per1000Commands");
    JsonNode puts = paths.path("batched.dynalite").path("per1000Commands");
    JsonNode transactions = paths.path("batched.moto").path("per1000Commands");
    assertThat(paths.path("batched.dynalite").path("writes").asText()).isEqualTo("conditional-puts");
    assertThat(paths.path("batched.moto").path("writes").asText()).isEqualTo("transactions");
    // Record by record on an empty table: each command a GetItem, its data put and (after the first) a history put.
    assertThat(perRecord.path("calls").path("GetItem").asDouble()).isEqualTo(1000.0);
    assertThat(perRecord.path("calls").path("PutItem").asDouble()).isEqualTo(1800.0);
    assertThat(perRecord.path("readUnits").asDouble()).isEqualTo(1000.0);
    // Batched: one read per entity (200 per 1,000 commands) in 1 BatchGetItem per delivery; 4 history puts and one
    // data put per entity (1,000 puts per 1,000 commands), one refused transaction on dynalite.
    assertThat(puts.path("calls").path("BatchGetItem").asDouble()).isEqualTo(10.0);
    assertThat(puts.path("calls").path("PutItem").asDouble()).isEqualTo(1000.0);
    assertThat(puts.path("calls").path("TransactWriteItems").asDouble()).isEqualTo(2.0);
    assertThat(puts.path("readUnits").asDouble()).isEqualTo(200.0);
    assertThat(transactions.path("calls").path("TransactWriteItems").asDouble()).isEqualTo(10.0);
    assertThat(transactions.path("calls").has("PutItem")).isFalse();
    assertThat(transactions.path("writeUnits").asDouble()).isEqualTo(2 * puts.path("writeUnits").asDouble());
    assertThat(puts.path("writeUnits").asDouble()).isLessThan(perRecord.path("writeUnits").asDouble());

    String written = lines.stream().filter(line -> line.startsWith("figures written to ")).findFirst().orElseThrow();
    Path file = Path.of(written.substring("figures written to ".length()));
    assertThat(file.getFileName().toString()).startsWith("commands-").endsWith(".json");
    assertThat(new ObjectMapper().readTree(Files.readString(file))).isEqualTo(json);
    Files.delete(file);
  }
}
