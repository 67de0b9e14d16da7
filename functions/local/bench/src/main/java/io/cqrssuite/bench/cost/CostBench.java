package io.cqrssuite.bench.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.verification.bench.MachineStamp;
import io.cqrssuite.bench.results.Bench;
import io.cqrssuite.bench.results.BenchFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./suite bench cost}: what a million changes cost to sync, per command-sync path, from counted calls only.
 * The DynamoDB capacity units come from {@code bench commands} (per path, priced by AWS's rules from each call's
 * items); the Lambda invocations and handler time at the template's batch size and memory, and the read models'
 * requests, from {@code bench sync}. Prices are AWS list prices kept in {@code prices.json} with their sources and the
 * day they were read. Nothing is estimated here: a figure is a counted quantity times a listed price.
 *
 * <p>What it leaves out, and says so in its JSON: the command sync's own Lambda time (measured against dynalite and
 * moto, whose latencies say nothing of DynamoDB's; its calls per path are in the commands JSON), and OpenSearch and
 * RDS, which are billed per instance-hour, not per request: their request counts are given for sizing.
 */
public final class CostBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final double MILLION = 1_000_000.0;
  private static final String[] ARCHITECTURES = {"arm64", "x86_64"};

  /** The inputs: the two benches' JSON files; {@code null} takes the newest run, else the published one. */
  public record Options(Path sync, Path commands) {
    public static Options defaults() {
      return new Options(null, null);
    }

    public Options withSync(Path file) {
      return new Options(file, commands);
    }

    public Options withCommands(Path file) {
      return new Options(sync, file);
    }
  }

  private CostBench() {}

  /** Computes, prints a table and the JSON line, and writes {@code target/bench/cost-<ts>.json}; 0, or 1 on no input. */
  public static int run(Options options, Path root, PrintStream out, PrintStream err) throws IOException {
    Optional<Path> sync = input(root, Bench.SYNC, options.sync());
    Optional<Path> commands = input(root, Bench.COMMANDS, options.commands());
    if (sync.isEmpty() || commands.isEmpty()) {
      err.println("bench cost: it needs a run of " + (sync.isEmpty() ? "./suite bench sync" : "")
          + (sync.isEmpty() && commands.isEmpty() ? " and of " : "")
          + (commands.isEmpty() ? "./suite bench commands" : "") + " (under " + BenchFiles.RUNS + "/ or published under "
          + BenchFiles.PUBLISHED + "/), or --sync FILE / --commands FILE");
      return 1;
    }
    Instant at = Instant.now();
    JsonNode syncJson = JSON.readTree(sync.get().toFile());
    JsonNode commandsJson = JSON.readTree(commands.get().toFile());
    ObjectNode report = compute(syncJson, commandsJson, prices());
    ObjectNode json = JSON.createObjectNode();
    json.put("bench", "cost").put("at", at.toString());
    MachineStamp machine = MachineStamp.of(root);
    json.put("commit", machine.commit()).put("jdk", machine.jdk()).put("cpu", machine.cpu()).put("cores", machine.cores());
    ObjectNode inputs = json.putObject("inputs");
    inputs.set("sync", describe(root, sync.get(), syncJson));
    inputs.set("commands", describe(root, commands.get(), commandsJson));
    json.setAll(report);
    out.print(table(json));
    String line = JSON.writeValueAsString(json);
    out.println(line);
    Path file = root.resolve(BenchFiles.RUNS).resolve("cost-" + FILE_STAMP.format(at) + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, line + "\n");
    err.println("bench cost: written to " + file);
    return 0;
  }

  /**
   * The figures per million changes from a sync JSON, a commands JSON and the prices: per command-sync path of the
   * commands JSON, DynamoDB units and dollars, Lambda invocations, GB-seconds and dollars per architecture, the read
   * models' requests, and the total per architecture.
   */
  static ObjectNode compute(JsonNode sync, JsonNode commands, JsonNode prices) {
    JsonNode perThousand = require(sync, "perThousandChanges", "the sync JSON");
    JsonNode dynamo = prices.path("dynamoDbOnDemand");
    JsonNode lambda = prices.path("lambda");
    double invocations = number(perThousand, "lambdaInvocations") * 1000;
    double gbSeconds = number(perThousand, "gbSeconds") * 1000;
    ObjectNode result = JSON.createObjectNode();
    ObjectNode basis = result.putObject("basis");
    basis.put("batchSize", number(perThousand, "batchSize"));
    basis.put("memoryMb", number(sync, "memoryMb"));
    basis.put("syncChangesCounted", number(perThousand, "changesCounted"));
    basis.put("commandsCounted", number(commands, "commands"));
    basis.put("commandOrder", commands.path("order").asText("unknown"));
    result.set("prices", prices);
    ObjectNode paths = result.putObject("perMillionChanges");
    JsonNode commandPaths = require(commands, "paths", "the commands JSON");
    for (Iterator<Map.Entry<String, JsonNode>> it = commandPaths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode per1000 = require(entry.getValue(), "per1000Commands", "path " + entry.getKey());
      double readUnits = number(per1000, "readUnits") * 1000;
      double writeUnits = number(per1000, "writeUnits") * 1000;
      double dynamoUsd = readUnits / MILLION * number(dynamo, "usdPerMillionReadRequestUnits")
          + writeUnits / MILLION * number(dynamo, "usdPerMillionWriteRequestUnits");
      double requestsUsd = invocations / MILLION * number(lambda, "usdPerMillionRequests");
      ObjectNode path = paths.putObject(entry.getKey());
      path.put("writes", entry.getValue().path("writes").asText());
      ObjectNode dynamoNode = path.putObject("dynamoDb");
      dynamoNode.put("readUnits", Math.round(readUnits)).put("writeUnits", Math.round(writeUnits)).put("usd", usd(dynamoUsd));
      ObjectNode lambdaNode = path.putObject("lambda");
      lambdaNode.put("invocations", Math.round(invocations)).put("gbSeconds", round(gbSeconds, 1))
          .put("requestsUsd", usd(requestsUsd));
      ObjectNode compute = lambdaNode.putObject("computeUsd");
      ObjectNode total = path.putObject("totalUsd");
      for (String architecture : ARCHITECTURES) {
        double computeUsd = gbSeconds * number(lambda.path("usdPerGbSecond"), architecture);
        compute.put(architecture, usd(computeUsd));
        total.put(architecture, usd(dynamoUsd + requestsUsd + computeUsd));
      }
      path.putObject("rds").put("statements", Math.round(number(perThousand, "rdsStatements") * 1000))
          .put("roundTrips", Math.round(number(perThousand, "rdsRoundTrips") * 1000));
      path.putObject("openSearch").put("requests", Math.round(number(perThousand, "openSearchRequests") * 1000));
    }
    result.putArray("leftOut")
        .add("the command sync's own Lambda time: measured on dynalite and moto, whose latencies are not DynamoDB's")
        .add("OpenSearch Service and RDS instance-hours: their request counts are given for sizing");
    return result;
  }

  private static String table(JsonNode json) {
    StringBuilder table = new StringBuilder(String.format("%-22s %12s %12s %9s %12s %10s %10s %10s%n",
        "per 1M changes", "DDB RRU", "DDB WRU", "DDB $", "invocations", "GB-s", "total $ arm", "total $ x86"));
    json.path("perMillionChanges").fields().forEachRemaining(e -> {
      JsonNode p = e.getValue();
      table.append(String.format("%-22s %,12d %,12d %9.2f %,12d %,10.1f %10.2f %10.2f%n", e.getKey(),
          p.path("dynamoDb").path("readUnits").asLong(), p.path("dynamoDb").path("writeUnits").asLong(),
          p.path("dynamoDb").path("usd").asDouble(), p.path("lambda").path("invocations").asLong(),
          p.path("lambda").path("gbSeconds").asDouble(), p.path("totalUsd").path("arm64").asDouble(),
          p.path("totalUsd").path("x86_64").asDouble()));
    });
    return table.toString();
  }

  private static Optional<Path> input(Path root, Bench bench, Path given) throws IOException {
    if (given != null) {
      if (!Files.isRegularFile(given)) {
        throw new IllegalArgumentException("no such file: " + given);
      }
      return Optional.of(given);
    }
    Optional<Path> newest = BenchFiles.newest(root.resolve(BenchFiles.RUNS), bench, Instant.EPOCH.plusSeconds(1));
    if (newest.isPresent()) {
      return newest;
    }
    Path published = root.resolve(BenchFiles.PUBLISHED).resolve(bench.publishedName());
    return Files.isRegularFile(published) ? Optional.of(published) : Optional.empty();
  }

  private static ObjectNode describe(Path root, Path file, JsonNode json) {
    ObjectNode node = JSON.createObjectNode();
    Path absolute = file.toAbsolutePath().normalize();
    Path base = root.toAbsolutePath().normalize();
    node.put("file", absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString());
    node.put("commit", json.path("commit").asText(json.path("machine").path("commit").asText("unknown")));
    node.put("at", json.path("at").asText("unknown"));
    return node;
  }

  static JsonNode prices() throws IOException {
    try (InputStream in = CostBench.class.getResourceAsStream("prices.json")) {
      if (in == null) {
        throw new IllegalStateException("prices.json is missing from the bench's classpath");
      }
      return JSON.readTree(in);
    }
  }

  private static JsonNode require(JsonNode json, String field, String where) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException(where + " has no '" + field + "': is it from an older bench?");
    }
    return value;
  }

  private static double number(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException("no number '" + field + "' in " + json);
    }
    return value.asDouble();
  }

  private static double usd(double usd) {
    return round(usd, 4);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
