package io.cqrssuite.verification.statemachines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.catalog.function.OperationsHandler;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.sync.opensearch.IndexNames;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.testing.polling.Eventually;
import io.cqrssuite.testing.stepfunctions.LambdaInvokeBridge;
import io.cqrssuite.testing.stepfunctions.LocalStepFunctions;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * infra/statemachine/resync.asl.json as deployed, run by the real ASL interpreter behind the local Step Functions
 * harness, each turn the real OperationsFunction (through the Lambda bridge) on dynalite and the catalog's PostgreSQL
 * schema: 8 segments, each turn one page (the time margin is the whole invocation), every product written, and the
 * history under the bound the definition states. A segment count over the bound is refused before any turn.
 */
class ResyncStateMachineTest {
  private static final String FUNCTION = "OperationsFunction";
  private static final String MACHINE = "resync";
  /** The same definition, its function configured with the search read model too: the backfill's stack. */
  private static final String SEARCH_FUNCTION = "OperationsFunctionWithSearch";
  private static final String SEARCH_MACHINE = "resync-search";
  private static final int SEGMENTS = 8;
  private static final int PRODUCTS = 48;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
  private static final Map<String, String> savedProperties = new LinkedHashMap<>();

  private static LocalDynamoDb dynalite;
  private static DynamoDbClient dynamoDb;
  private static LambdaInvokeBridge lambdas;
  private static LocalStepFunctions stepFunctions;
  private static SfnClient sfn;
  private static PostgresEngine postgres;
  private static String jdbcUrl;
  private static IndexNames searchNames;
  private static final AtomicInteger turns = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    Optional<WorkflowRuntime> runtime = WorkflowRuntime.find();
    assumeTrue(runtime.isPresent(), WorkflowRuntime.INSTALL_HINT);
    for (String name : PROPERTIES) {
      savedProperties.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    dynalite = LocalDynamoDb.start(LocalDynamoDb.cli(System.getenv(), SampleEvents.repositoryRoot())
        .orElseThrow(() -> new IllegalStateException(LocalDynamoDb.INSTALL_HINT)));
    dynamoDb = LocalDynamoDb.client(dynalite.endpoint());
    CommandTables tables = CommandTables.named("dev-catalog-product");
    LocalDynamoDb.createTable(dynamoDb, tables.data(), "pk", "sk");
    dynamoDb.createTable(r -> r.tableName("dev-catalog-resync-checkpoints")
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            a -> a.attributeName("run").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("segment").attributeType(ScalarAttributeType.N))
        .keySchema(k -> k.attributeName("run").keyType(KeyType.HASH), k -> k.attributeName("segment").keyType(KeyType.RANGE)));
    // About 200 KB each: a segment of some six products takes two pages or more.
    for (int i = 0; i < PRODUCTS; i++) {
      Map<String, AttributeValue> item = new HashMap<>();
      String code = String.format("R-%03d", i);
      item.put("pk", AttributeValue.fromS("PRODUCT#resync"));
      item.put("sk", AttributeValue.fromS(code));
      item.put("code", AttributeValue.fromS(code));
      item.put("version", AttributeValue.fromN("4"));
      item.put("isDeleted", AttributeValue.fromBool(i % 10 == 9));
      item.put("name", AttributeValue.fromS("product " + i));
      item.put("price", AttributeValue.fromN("990"));
      item.put("updatedAt", AttributeValue.fromS("2026-01-01T00:00:00Z"));
      item.put("notes", AttributeValue.fromS("n".repeat(200_000)));
      dynamoDb.putItem(r -> r.tableName(tables.data()).item(item));
    }
    postgres = TestEngines.postgres();
    jdbcUrl = postgres.createDatabase("resync_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));

    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
    env.put(TableMappingConfig.VARIABLE, TableMappingConfig.format(tables.tableMappings("product")));
    env.put("SUITE_COMMAND_TABLE", tables.command());
    env.put("SUITE_COMMAND_DATA_TABLE", tables.data());
    env.put("SUITE_COMMAND_HISTORY_TABLE", tables.history());
    env.put("SUITE_RESYNC_CHECKPOINT_TABLE", "dev-catalog-resync-checkpoints");
    // The bridge gives each invoke Lambda's longest time: a margin of all of it makes every turn one page.
    env.put("SUITE_RESYNC_TIME_MARGIN_MS", "900000");
    env.put("SUITE_RDS_URL", jdbcUrl);
    env.put("SUITE_RDS_USER", postgres.user());
    env.put("SUITE_RDS_PASSWORD", postgres.password());
    OperationsHandler function = new OperationsHandler(env);
    // The search read model's stack: its index set up as the deploy-time step leaves it, the live sync's discovery
    // interval 1 s (so the workflow's Wait is 1 s plus the 5 s margin), the old index kept 3 days.
    Map<String, String> searchEnv = new HashMap<>(env);
    searchEnv.remove("SUITE_RDS_URL");
    searchEnv.put("SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString());
    searchEnv.put("SUITE_OPENSEARCH_INDEX", "resync" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    searchEnv.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
    searchEnv.put("SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS", "1");
    searchEnv.put("SUITE_BACKFILL_KEEP_OLD_DAYS", "3");
    OpenSearchSettings searchSettings = OpenSearchSettings.fromEnvironment(searchEnv).orElseThrow();
    searchNames = searchSettings.indexNames();
    new OpenSearchIndexes(OpenSearchClients.create(searchSettings, "us-east-1"), searchNames,
        OpenSearchIndexes.template(searchSettings.templateResource())).ensure();
    OperationsHandler searchFunction = new OperationsHandler(searchEnv);
    lambdas = LambdaInvokeBridge.start(Map.of(FUNCTION, (in, out, context) -> {
      turns.incrementAndGet();
      function.handleRequest(in, out, context);
    }, SEARCH_FUNCTION, (in, out, context) -> searchFunction.handleRequest(in, out, context)));
    stepFunctions = LocalStepFunctions.builder(runtime.get())
        .stateMachine(MACHINE, Definitions.file(MACHINE), Map.of(
            "OperationsFunctionArn", "arn:aws:lambda:us-east-1:" + LocalStepFunctions.ACCOUNT + ":function:" + FUNCTION))
        .stateMachine(SEARCH_MACHINE, Definitions.file(MACHINE), Map.of(
            "OperationsFunctionArn", "arn:aws:lambda:us-east-1:" + LocalStepFunctions.ACCOUNT + ":function:" + SEARCH_FUNCTION))
        .lambdas(lambdas)
        .retryPause(Duration.ofMillis(10))
        .start();
    sfn = SfnClient.builder().region(Region.US_EAST_1).endpointOverride(stepFunctions.endpoint()).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {sfn, stepFunctions, lambdas, dynamoDb, dynalite}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // closing what may be half started: nothing to add to the outcome
      }
    }
    savedProperties.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  /** The definition's stated bound: 16 + segments x (4 + turns x 16), and 30 more for a backfill's own states. */
  static long historyBound(int segments, int turnsPerSegment, boolean backfill) {
    return 16 + (backfill ? 30 : 0) + (long) segments * (4 + (long) turnsPerSegment * 16);
  }

  static long historyBound(int segments, int turnsPerSegment) {
    return historyBound(segments, turnsPerSegment, false);
  }

  private DescribeExecutionResponse run(String name, String input) throws Exception {
    return run(MACHINE, name, input);
  }

  private DescribeExecutionResponse run(String machine, String name, String input) throws Exception {
    String arn = sfn.startExecution(r -> r.stateMachineArn(stepFunctions.stateMachineArn(machine)).name(name).input(input)).executionArn();
    Eventually.await("the resync execution ended", Duration.ofMinutes(3),
        () -> !sfn.describeExecution(r -> r.executionArn(arn)).statusAsString().equals("RUNNING"));
    return sfn.describeExecution(r -> r.executionArn(arn));
  }

  private List<HistoryEvent> history(String executionArn) {
    return sfn.getExecutionHistory(r -> r.executionArn(executionArn)).events();
  }

  @Test
  void eightSegmentsLoopTurnByTurnUntilDoneWithinTheHistoryBound() throws Exception {
    int before = turns.get();
    DescribeExecutionResponse done = run("resync-all", "{\"totalSegments\": " + SEGMENTS + "}");
    assertThat(done.statusAsString()).as(done.toString()).isEqualTo("SUCCEEDED");
    JsonNode output = JSON.readTree(done.output());
    JsonNode segments = output.path("segments");
    assertThat(segments).hasSize(SEGMENTS);
    long entities = 0;
    int maxTurns = 0;
    for (JsonNode segment : segments) {
      entities += segment.path("entities").asLong();
      maxTurns = Math.max(maxTurns, segment.path("turns").asInt());
    }
    assertThat(entities).as("every product, once").isEqualTo(PRODUCTS);
    int turnsTaken = turns.get() - before;
    assertThat(maxTurns).as("a turn per page: some segment took more than one").isGreaterThan(1);
    try (Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        Statement sql = connection.createStatement();
        ResultSet rows = sql.executeQuery("SELECT count(*), count(*) FILTER (WHERE is_deleted) FROM product")) {
      rows.next();
      assertThat(rows.getLong(1)).isEqualTo(PRODUCTS);
      assertThat(rows.getLong(2)).as("deleted products as tombstones").isEqualTo(PRODUCTS / 10);
    }

    List<HistoryEvent> history = history(done.executionArn());
    long bound = historyBound(SEGMENTS, maxTurns);
    System.out.printf("resync workflow: %d segments, %d turns (at most %d a segment), %d history events (bound %d; at 32"
        + " segments x 40 turns %d)%n", SEGMENTS, turnsTaken, maxTurns, history.size(), bound, historyBound(32, 40));
    assertThat((long) history.size()).as("history events").isLessThanOrEqualTo(bound);
    assertThat(historyBound(32, 40)).as("the definition's limits keep any run under 25,000").isLessThan(25_000);
    // Each turn's own events, measured: no more than the 7 a turn without retries is counted for.
    long taskEntered = history.stream().filter(e -> e.typeAsString().equals("TaskStateEntered")).count();
    assertThat(taskEntered).isEqualTo(turnsTaken);
  }

  /**
   * {@code "backfill": true}: the next index created and opened, the Wait for the live sync's discovery, the turns
   * into the next index only, then tombstones, reconcile with heal and the swap; the old index kept with its horizon.
   */
  @Test
  void aBackfillRunFillsTheNextIndexAndSwapsToItWithinTheHistoryBound() throws Exception {
    String current = searchNames.initialIndex();
    String next = searchNames.readAlias() + "-v2";
    Instant started = Instant.now();
    DescribeExecutionResponse done = run(SEARCH_MACHINE, "backfill-all", "{\"totalSegments\": " + SEGMENTS + ", \"backfill\": true}");
    assertThat(done.statusAsString()).as(done.toString()).isEqualTo("SUCCEEDED");
    JsonNode output = JSON.readTree(done.output());
    assertThat(output.path("run").path("versions").path("current").asText()).isEqualTo(current);
    assertThat(output.path("run").path("versions").path("next").asText()).isEqualTo(next);
    assertThat(output.path("backfill").path("swapped").asBoolean()).isTrue();
    assertThat(output.path("backfill").path("steps").findValuesAsText("step")).containsExactly("tombstones", "reconcile", "swap");
    long entities = 0;
    int maxTurns = 0;
    for (JsonNode segment : output.path("segments")) {
      entities += segment.path("entities").asLong();
      maxTurns = Math.max(maxTurns, segment.path("turns").asInt());
    }
    assertThat(entities).as("every product, once, into the next index").isEqualTo(PRODUCTS);

    http("POST", "/" + next + "/_refresh");
    assertThat(http("GET", "/" + next + "/_count").path("count").asLong()).as("the source, tombstones included").isEqualTo(PRODUCTS);
    assertThat(http("GET", "/" + searchNames.readAlias() + "/_count").path("count").asLong())
        .as("readers see the live products through the moved alias").isEqualTo(PRODUCTS - PRODUCTS / 10);
    JsonNode nextAliases = http("GET", "/" + next + "/_alias").path(next).path("aliases");
    assertThat(nextAliases.has(searchNames.readAlias()) && nextAliases.has(searchNames.writeAlias())).as(nextAliases.toString()).isTrue();
    assertThat(nextAliases.has(searchNames.backfillAlias())).as("the second target closed").isFalse();
    assertThat(http("GET", "/" + current + "/_alias").path(current).path("aliases").size()).as("the old index kept, unused").isZero();
    JsonNode mark = http("GET", "/" + current + "/_mapping").path(current).path("mappings").path("_meta").path("cqrs_suite_replaced");
    assertThat(mark.path("replaced_by").asText()).isEqualTo(next);
    assertThat(Instant.parse(mark.path("keep_until").asText()))
        .as("the horizon of SUITE_BACKFILL_KEEP_OLD_DAYS").isBetween(started.plus(Duration.ofDays(3)), Instant.now().plus(Duration.ofDays(3)));

    List<HistoryEvent> history = history(done.executionArn());
    long bound = historyBound(SEGMENTS, maxTurns, true);
    System.out.printf("backfill workflow: %d segments (at most %d turns a segment), %d history events (bound %d; at 32"
        + " segments x 40 turns %d)%n", SEGMENTS, maxTurns, history.size(), bound, historyBound(32, 40, true));
    assertThat((long) history.size()).as("history events").isLessThanOrEqualTo(bound);
    assertThat(historyBound(32, 40, true)).as("the definition's limits keep a backfill under 25,000").isLessThan(25_000);
    assertThat(history.stream().filter(e -> e.typeAsString().equals("WaitStateEntered")).count()).isEqualTo(1);
  }

  private static JsonNode http(String method, String path) throws Exception {
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(TestEngines.openSearch().endpoint().resolve(path))
            .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isLessThan(300);
    return JSON.readTree(response.body());
  }

  @Test
  void moreSegmentsThanTheBoundAllowsAreRefusedBeforeAnyTurn() throws Exception {
    int before = turns.get();
    DescribeExecutionResponse refused = run("resync-too-many", "{\"totalSegments\": 33}");
    assertThat(refused.statusAsString()).isEqualTo("FAILED");
    assertThat(refused.error()).isEqualTo("Resync.BadSegmentCount");
    assertThat(turns.get()).isEqualTo(before);
  }
}
