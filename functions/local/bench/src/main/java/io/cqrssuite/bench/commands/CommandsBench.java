package io.cqrssuite.bench.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.verification.bench.MachineStamp;
import io.cqrssuite.command.CommandBatchSync;
import io.cqrssuite.command.CommandSync;
import io.cqrssuite.command.CommandSyncWrites;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.aws.MotoServer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * The command sync stage alone: {@code commands} command records over {@code entities} entities (each entity's
 * versions 1, 2, ... in stream order, the entities interleaved at random by {@code seed}, or each entity's versions
 * together with {@code grouped}), cut into stream deliveries of {@code batch} records, synced into fresh data and
 * history tables per path: record by record ({@link CommandSync}, as before batching) and a delivery at once
 * ({@link CommandBatchSync} with {@code auto} writes, the records it leaves then synced one by one as the intake
 * does), each on moto (transactions) and on dynalite (conditional puts). Each path is warmed up on tables of its own
 * first, and checked after: every entity at its last version in the data table, every other version in history.
 */
public final class CommandsBench {
  private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final String PK = "PRODUCT#bench";

  /** The bench's knobs. */
  public record Options(int commands, int entities, int batch, long seed, boolean grouped, List<String> paths) {
    public static final List<String> PATHS = List.of("per-record.dynalite", "batched.dynalite", "per-record.moto", "batched.moto");

    public Options {
      if (commands < 1 || entities < 1 || batch < 1) {
        throw new IllegalArgumentException("commands, entities and batch must be positive: " + commands + ", " + entities + ", " + batch);
      }
      for (String path : paths) {
        if (!PATHS.contains(path)) {
          throw new IllegalArgumentException("unknown path '" + path + "': one of " + String.join(", ", PATHS));
        }
      }
      paths = List.copyOf(paths);
    }

    /**
     * 2,000 commands over 200 entities in deliveries of 500 (the template's BatchSize): every path in a few minutes.
     * Larger logs change the counts per thousand commands little (they are per call and per item) but moto's time a
     * lot: its transactions deep-copy the tables they touch, so they slow as history grows.
     */
    public static Options defaults() {
      return new Options(2_000, 200, 500, 14L, false, PATHS);
    }

    /** @throws IllegalArgumentException more entities than commands: some would have no version at all */
    public Options validated() {
      if (entities > commands) {
        throw new IllegalArgumentException("--entities " + entities + " is more than --commands " + commands + ": every entity needs a command");
      }
      return this;
    }

    public Options withCommands(int count) {
      return new Options(count, entities, batch, seed, grouped, paths);
    }

    public Options withEntities(int count) {
      return new Options(commands, count, batch, seed, grouped, paths);
    }

    public Options withBatch(int size) {
      return new Options(commands, entities, size, seed, grouped, paths);
    }

    public Options withSeed(long value) {
      return new Options(commands, entities, batch, value, grouped, paths);
    }

    public Options withGrouped() {
      return new Options(commands, entities, batch, seed, true, paths);
    }

    public Options withPaths(List<String> only) {
      return new Options(commands, entities, batch, seed, grouped, only);
    }
  }

  /** What one path measured. */
  record Figures(String path, String writes, double seconds, long commands, Map<String, Long> calls, long readUnits, long writeUnits, String check) {
    double perSecond() {
      return commands / seconds;
    }

    double per1000(long value) {
      return value * 1000.0 / commands;
    }
  }

  private CommandsBench() {}

  /** Runs the paths; prints a table, then one JSON line also written to {@code target/bench/commands-<ts>.json}. */
  public static int run(Options options, Path root, PrintStream out, PrintStream err) throws Exception {
    options.validated();
    Instant at = Instant.now();
    List<Figures> figures = new ArrayList<>();
    List<String> onMoto = options.paths().stream().filter(p -> p.endsWith(".moto")).toList();
    List<String> onDynalite = options.paths().stream().filter(p -> p.endsWith(".dynalite")).toList();
    if (!onDynalite.isEmpty()) {
      try (LocalDynamoDb dynalite = LocalDynamoDb.start()) {
        for (String path : onDynalite) {
          figures.add(measure(path, dynalite.endpoint(), options, err));
        }
      }
    }
    if (!onMoto.isEmpty()) {
      try (MotoServer moto = MotoServer.start()) {
        for (String path : onMoto) {
          figures.add(measure(path, moto.endpoint(), options, err));
        }
      }
    }
    ObjectNode json = json(at, MachineStamp.of(root), options, figures);
    String line = new ObjectMapper().writeValueAsString(json);
    Path file = root.resolve("target/bench/commands-" + FILE_STAMP.format(at) + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, line + "\n");
    out.println(table(figures));
    out.println("figures written to " + file);
    out.println(line);
    return figures.stream().allMatch(f -> f.check().equals("ok")) ? 0 : 1;
  }

  private static Figures measure(String path, URI endpoint, Options options, PrintStream err) {
    boolean batched = path.startsWith("batched");
    // Warm-up on tables of its own, so the measured run starts with compiled code and open connections.
    Options warmUp = options.withCommands(Math.min(options.commands(), 1_000)).withEntities(Math.min(options.entities(), 100));
    run(path, endpoint, warmUp, batched, err, false);
    return run(path, endpoint, options, batched, err, true);
  }

  private static Figures run(String path, URI endpoint, Options options, boolean batched, PrintStream err, boolean report) {
    CapacityMeter meter = new CapacityMeter();
    try (DynamoDbClient dynamoDb = client(endpoint, meter)) {
      CommandTables tables = CommandTables.named("bench-" + Long.toHexString(System.nanoTime()) + "-product");
      for (String table : List.of(tables.command(), tables.data(), tables.history())) {
        LocalDynamoDb.createTable(dynamoDb, table, "pk", "sk");
      }
      List<ChangeRecord> log = log(tables, options);
      CommandSync single = new CommandSync(dynamoDb, tables);
      CommandBatchSync together = batched ? new CommandBatchSync(dynamoDb, tables, CommandSyncWrites.AUTO) : null;
      // Table creation is not the sync's: only what comes after counts.
      Map<String, Long> before = meter.calls();
      long readsBefore = meter.readUnits();
      long writesBefore = meter.writeUnits();
      long started = System.nanoTime();
      long lastReport = started;
      for (int from = 0; from < log.size(); from += options.batch()) {
        List<ChangeRecord> delivery = log.subList(from, Math.min(log.size(), from + options.batch()));
        Map<Integer, SyncOutcome> settled = together == null ? Map.of() : together.applyAll(delivery);
        for (int i = 0; i < delivery.size(); i++) {
          if (!settled.containsKey(i)) {
            single.apply(delivery.get(i));
          }
        }
        if (report && System.nanoTime() - lastReport > Duration.ofSeconds(10).toNanos()) {
          lastReport = System.nanoTime();
          err.printf("bench commands: %s: %,d of %,d commands%n", path, from + delivery.size(), log.size());
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      Map<String, Long> calls = meter.calls();
      before.forEach((operation, count) -> calls.merge(operation, -count, Long::sum));
      calls.values().removeIf(count -> count == 0);
      String check = check(dynamoDb, tables, options);
      return new Figures(path, together == null ? "per-record" : together.writes(), seconds, log.size(), calls,
          meter.readUnits() - readsBefore, meter.writeUnits() - writesBefore, check);
    }
  }

  /** The command records, each entity's versions in order; the entities interleaved by the seed, or grouped. */
  static List<ChangeRecord> log(CommandTables tables, Options options) {
    List<Integer> order = new ArrayList<>(options.commands());
    for (int i = 0; i < options.commands(); i++) {
      order.add(i % options.entities());
    }
    if (options.grouped()) {
      Collections.sort(order);
    } else {
      Collections.shuffle(order, new Random(options.seed()));
    }
    int[] versions = new int[options.entities()];
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    List<ChangeRecord> log = new ArrayList<>(order.size());
    for (int entity : order) {
      long version = ++versions[entity];
      String code = String.format(Locale.ROOT, "P-%07d", entity);
      ObjectNode image = nodes.objectNode();
      image.put("pk", PK).put("sk", code + "@" + String.format(Locale.ROOT, "%010d", version)).put("code", code)
          .put("id", PK + "#" + code).put("tenantCode", "bench").put("name", "product " + code + " v" + version)
          .put("description", "a product of the bench catalog, of a size like the import's rows ".repeat(3))
          .put("price", 100 + (entity * 31L + version * 7) % 10_000).put("stock", version * 3).put("version", version)
          .put("isDeleted", false).put("updatedAt", "2026-12-05T12:00:00Z").put("ttl", 1_800_000_000L);
      log.add(new ChangeRecord(tables.command(), PK, code, PK + "#" + code, version, false, image));
    }
    return log;
  }

  /** {@code ok}, or what is wrong: every entity at its last version, every other version archived. */
  private static String check(DynamoDbClient dynamoDb, CommandTables tables, Options options) {
    int expectedVersion = options.commands() / options.entities();
    long wrongData = 0;
    long dataItems = 0;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page = dynamoDb.scan(r -> r.tableName(tables.data()).exclusiveStartKey(from));
      for (Map<String, AttributeValue> item : page.items()) {
        dataItems++;
        int entity = Integer.parseInt(item.get("sk").s().substring(2));
        long expected = expectedVersion + (entity < options.commands() % options.entities() ? 1 : 0);
        if (Long.parseLong(item.get("version").n()) != expected) {
          wrongData++;
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    long history = 0;
    start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page = dynamoDb.scan(r -> r.tableName(tables.history()).select(Select.COUNT).exclusiveStartKey(from));
      history += page.count();
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    long expectedHistory = options.commands() - options.entities();
    if (dataItems == options.entities() && wrongData == 0 && history == expectedHistory) {
      return "ok";
    }
    return String.format(Locale.ROOT, "data items %d (expected %d, %d at a wrong version), history items %d (expected %d)",
        dataItems, options.entities(), wrongData, history, expectedHistory);
  }

  private static DynamoDbClient client(URI endpoint, CapacityMeter meter) {
    AwsSettings settings = new AwsSettings("us-east-1", Map.of("DYNAMODB", endpoint), null, 3, Duration.ofSeconds(30));
    return new AwsClients(settings)
        .configure(DynamoDbClient.builder(), "DYNAMODB")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .overrideConfiguration(o -> o.addExecutionInterceptor(meter))
        .build();
  }

  static String table(List<Figures> figures) {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-20s %-17s %10s %9s %9s %9s  %s%n",
        "path", "writes", "cmds/s", "calls/1k", "RCU/1k", "WCU/1k", "check"));
    for (Figures f : figures) {
      long calls = f.calls().values().stream().mapToLong(Long::longValue).sum();
      text.append(String.format(Locale.ROOT, "%-20s %-17s %10.0f %9.0f %9.0f %9.0f  %s%n",
          f.path(), f.writes(), f.perSecond(), f.per1000(calls), f.per1000(f.readUnits()), f.per1000(f.writeUnits()), f.check()));
    }
    return text.toString().stripTrailing();
  }

  static ObjectNode json(Instant at, MachineStamp machine, Options options, List<Figures> figures) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode json = mapper.createObjectNode();
    json.put("bench", "commands").put("at", at.toString());
    json.set("machine", mapper.valueToTree(machine));
    json.put("commands", options.commands()).put("entities", options.entities()).put("batch", options.batch())
        .put("order", options.grouped() ? "grouped" : "random").put("seed", options.seed());
    json.put("note", "timings indicative on a shared machine; capacity units computed by AWS's rules from each call's items"
        + " (1 WCU per started KB written, 2 in a transaction; 1 RCU per started 4 KB read consistently), not reported by the engines");
    ObjectNode paths = json.putObject("paths");
    for (Figures f : figures) {
      ObjectNode path = paths.putObject(f.path());
      path.put("engine", f.path().substring(f.path().indexOf('.') + 1)).put("writes", f.writes());
      path.put("seconds", Math.round(f.seconds() * 1000) / 1000.0).put("commandsPerSecond", Math.round(f.perSecond() * 10) / 10.0);
      ObjectNode per1000 = path.putObject("per1000Commands");
      ObjectNode calls = per1000.putObject("calls");
      f.calls().forEach((operation, count) -> calls.put(operation, Math.round(f.per1000(count) * 10) / 10.0));
      per1000.put("readUnits", Math.round(f.per1000(f.readUnits()) * 10) / 10.0);
      per1000.put("writeUnits", Math.round(f.per1000(f.writeUnits()) * 10) / 10.0);
      ObjectNode totals = path.putObject("totals");
      ObjectNode totalCalls = totals.putObject("calls");
      f.calls().forEach(totalCalls::put);
      totals.put("readUnits", f.readUnits()).put("writeUnits", f.writeUnits());
      path.put("check", f.check());
    }
    ArrayNode order = json.putArray("pathOrder");
    figures.forEach(f -> order.add(f.path()));
    return json;
  }
}
