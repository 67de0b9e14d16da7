package io.cqrssuite.catalog.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Where a chunk's time goes, to size {@code SUITE_IMPORT_CHUNK_ROWS}: planning (MB/s), reading and checking rows
 * (µs per row), and publishing each row as a command (ms per row, new and unchanged) against dynalite. Not a test:
 * run with {@code -Dsuite.bench=true -Dtest=CsvImportChunkBench}.
 */
@EnabledIfSystemProperty(named = "suite.bench", matches = "true")
class CsvImportChunkBench {
  private static final int ROWS = 20_000;
  private static final int PUBLISHED = 2_000;

  @Test
  void measure() throws Exception {
    byte[] csv = csv(ROWS);
    CsvChunkPlanner planner = new CsvChunkPlanner(1_000, 10_000);
    for (int i = 0; i < 5; i++) {
      planner.plan(new ByteArrayInputStream(csv));
    }
    long start = System.nanoTime();
    int rounds = 20;
    for (int i = 0; i < rounds; i++) {
      planner.plan(new ByteArrayInputStream(csv));
    }
    double planSeconds = (System.nanoTime() - start) / 1e9 / rounds;
    System.out.printf("plan: %d rows, %d bytes, %.1f MB/s%n", ROWS, csv.length, csv.length / 1e6 / planSeconds);

    CsvChunkPlanner.Plan plan = planner.plan(new ByteArrayInputStream(csv));
    CsvChunk first = plan.chunks().get(0);
    byte[] chunk = Arrays.copyOfRange(csv, (int) first.startByte(), (int) first.endByte());
    for (int i = 0; i < 200; i++) {
      CsvChunkRows.read(chunk, first.firstLine());
    }
    start = System.nanoTime();
    for (int i = 0; i < 500; i++) {
      CsvChunkRows.read(chunk, first.firstLine());
    }
    double readMicros = (System.nanoTime() - start) / 1e3 / 500 / first.rows();
    System.out.printf("read and check: %.2f us/row%n", readMicros);

    ObjectMapper mapper = EventJson.newMapper();
    try (LocalDynamoDb dynalite = LocalDynamoDb.start(); DynamoDbClient dynamoDb = LocalDynamoDb.client(dynalite.endpoint())) {
      CommandTables tables = CommandTables.named("bench-product");
      for (String table : new String[] {tables.command(), tables.data(), tables.history()}) {
        createTable(dynamoDb, table);
      }
      ProductCommands commands =
          new CommandServiceProductCommands(
              () -> new CommandService(dynamoDb, (software.amazon.awssdk.services.s3.S3Client) null, new CommandSettings(tables, null, CommandSettings.DEFAULT_OFFLOAD_BYTES, Duration.ZERO), mapper, Clock.systemUTC()));
      List<ProductCsv.Row> rows = CsvChunkRows.read(Arrays.copyOfRange(csv, (int) first.startByte(), (int) plan.chunks().get(1).endByte()), 2);
      rows = rows.subList(0, Math.min(PUBLISHED, rows.size()));
      start = System.nanoTime();
      for (ProductCsv.Row row : rows) {
        commands.publish(((ProductCsv.Valid) row).image(), null);
      }
      double newMillis = (System.nanoTime() - start) / 1e6 / rows.size();
      start = System.nanoTime();
      for (ProductCsv.Row row : rows) {
        commands.publish(((ProductCsv.Valid) row).image(), null);
      }
      double unchangedMillis = (System.nanoTime() - start) / 1e6 / rows.size();
      System.out.printf("publish (dynalite, localhost): new %.2f ms/row, unchanged %.2f ms/row over %d rows%n", newMillis, unchangedMillis, rows.size());
      for (int size : new int[] {250, 500, 1_000, 2_000}) {
        System.out.printf("  chunk of %d rows: %.1f s here%n", size, size * (newMillis + readMicros / 1e3) / 1e3);
      }
    }
  }

  private static byte[] csv(int rows) {
    StringBuilder csv = new StringBuilder(String.join(",", ProductCsv.COLUMNS)).append('\n');
    for (int i = 0; i < rows; i++) {
      csv.append("acme,P-").append(String.format("%06d", i)).append(",Product ").append(i)
          .append(",\"A sturdy thing, for every kitchen\",").append(100 + i).append(",kitchen,steel|gift,true\n");
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void createTable(DynamoDbClient dynamoDb, String table) {
    dynamoDb.createTable(r -> r.tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE)));
    while (dynamoDb.describeTable(r -> r.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
      Thread.onSpinWait();
    }
  }
}
