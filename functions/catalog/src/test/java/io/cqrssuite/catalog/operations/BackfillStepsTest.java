package io.cqrssuite.catalog.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.OperationsHandler;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.sync.opensearch.IndexNames;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.LocalContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * OperationsFunction's backfill actions, wired as deployed, on dynalite and the embedded OpenSearch: {@code
 * backfill-open} creates the next index and opens it as the second target, resync turns with {@code run.backfill}
 * write into it only, {@code backfill-finish} carries the tombstones, reconciles with heal and swaps, keeping the old
 * index with the horizon of {@code SUITE_BACKFILL_KEEP_OLD_DAYS}; a difference no heal can fix refuses the swap with
 * the reason and leaves the next index open.
 */
class BackfillStepsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TENANT = "PRODUCT#acme";
  private static final int PRODUCTS = 20;
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
  private static final Map<String, String> saved = new HashMap<>();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static LocalDynamoDb dynalite;
  private static DynamoDbClient dynamoDb;
  private static URI search;

  private String dataTable;
  private IndexNames names;
  private Map<String, String> env;

  @BeforeAll
  static void start() {
    for (String name : PROPERTIES) {
      saved.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    dynalite = LocalDynamoDb.start();
    dynamoDb = LocalDynamoDb.client(dynalite.endpoint());
    search = TestEngines.openSearch().endpoint();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {dynamoDb, dynalite}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // closing what may be half started: nothing to add to the outcome
      }
    }
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  @BeforeEach
  void stack() throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String base = "bf" + suffix + "-catalog-product";
    dataTable = CommandTables.named(base).data();
    LocalDynamoDb.createTable(dynamoDb, dataTable, "pk", "sk");
    String checkpoints = "bf" + suffix + "-resync-checkpoints";
    dynamoDb.createTable(r -> r.tableName(checkpoints)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            a -> a.attributeName("run").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("segment").attributeType(ScalarAttributeType.N))
        .keySchema(k -> k.attributeName("run").keyType(KeyType.HASH), k -> k.attributeName("segment").keyType(KeyType.RANGE)));
    names = IndexNames.of("bf" + suffix);
    env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
    env.put(TableMappingConfig.VARIABLE, TableMappingConfig.format(CommandTables.named(base).tableMappings("product")));
    env.put("SUITE_OPERATIONS_SOURCE_TABLE", dataTable);
    env.put("SUITE_RESYNC_CHECKPOINT_TABLE", checkpoints);
    env.put("SUITE_OPENSEARCH_ENDPOINT", search.toString());
    env.put("SUITE_OPENSEARCH_INDEX", names.readAlias());
    env.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
    env.put("SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS", "1");
    env.put(BackfillSettings.KEEP_OLD_DAYS, "3");
    // The first index and its aliases, as the deploy-time index setup leaves them.
    OpenSearchSettings settings = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    new OpenSearchIndexes(OpenSearchClients.create(settings, "us-east-1"), settings.indexNames(),
        OpenSearchIndexes.template(settings.templateResource())).ensure();
  }

  private static JsonNode http(String method, String path, String body) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(search.resolve(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isLessThan(300);
    return JSON.readTree(response.body());
  }

  private void product(String code, long version, boolean deleted, String price) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(TENANT));
    item.put("sk", AttributeValue.fromS(code));
    item.put("code", AttributeValue.fromS(code));
    item.put("version", AttributeValue.fromN(Long.toString(version)));
    item.put("isDeleted", AttributeValue.fromBool(deleted));
    item.put("name", AttributeValue.fromS("product " + code));
    item.put("price", price.matches("\\d+") ? AttributeValue.fromN(price) : AttributeValue.fromS(price));
    item.put("updatedAt", AttributeValue.fromS("2026-01-01T00:00:00.000Z"));
    dynamoDb.putItem(r -> r.tableName(dataTable).item(item));
  }

  private static JsonNode invoke(OperationsHandler function, JsonNode request) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    function.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(request)), out,
        new LocalContext(new FunctionSpec("OperationsFunction", OperationsHandler.class.getName(), 900, 1024, Map.of())));
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  private static ObjectNode request(String action, ObjectNode run) {
    ObjectNode request = JSON.createObjectNode().put("action", action).put("execution", "bf-test").put("turn", 1);
    request.set("run", run);
    return request;
  }

  private void resync(OperationsHandler function, ObjectNode run) throws Exception {
    for (int segment = 0; segment < run.path("totalSegments").asInt(); segment++) {
      ObjectNode turn = request("resync-segment", run).put("segment", segment);
      assertThat(invoke(function, turn).path("done").asBoolean()).as("segment %d done in one turn", segment).isTrue();
    }
  }

  private long documents(String index) throws Exception {
    http("POST", "/" + index + "/_refresh", null);
    return http("GET", "/" + index + "/_count", null).path("count").asLong();
  }

  private JsonNode aliases(String index) throws Exception {
    return http("GET", "/" + index + "/_alias", null).path(index).path("aliases");
  }

  /** Products in the source, the first index filled by a plain resync, then one product removed outright. */
  private OperationsHandler syncedFirstIndex() throws Exception {
    for (int i = 0; i < PRODUCTS; i++) {
      product(String.format("B-%03d", i), 3, i == PRODUCTS - 1, "1200");
    }
    OperationsHandler function = new OperationsHandler(env);
    resync(function, JSON.createObjectNode().put("totalSegments", 1));
    assertThat(documents(names.initialIndex())).isEqualTo(PRODUCTS);
    // Removed outright after its delete: only the first index's tombstone remembers it, no scan sees it.
    dynamoDb.deleteItem(r -> r.tableName(dataTable).key(Map.of(
        "pk", AttributeValue.fromS(TENANT), "sk", AttributeValue.fromS(String.format("B-%03d", PRODUCTS - 1)))));
    return function;
  }

  private ObjectNode openedRun(OperationsHandler function) throws Exception {
    ObjectNode run = JSON.createObjectNode().put("totalSegments", 2).put("backfill", true);
    JsonNode versions = invoke(function, request("backfill-open", run));
    String next = names.readAlias() + "-v2";
    assertThat(versions.path("current").asText()).isEqualTo(names.initialIndex());
    assertThat(versions.path("next").asText()).isEqualTo(next);
    assertThat(versions.path("resumed").asBoolean()).isFalse();
    assertThat(versions.path("waitSeconds").asLong()).as("1 s discovery plus the 5 s margin").isEqualTo(6);
    assertThat(aliases(next).has(names.backfillAlias())).as("the second target is open").isTrue();
    // The same step again (a retried task) finds the open index instead of making a third.
    JsonNode again = invoke(function, request("backfill-open", run));
    assertThat(again.path("next").asText()).isEqualTo(next);
    assertThat(again.path("resumed").asBoolean()).isTrue();
    run.set("versions", versions);
    return run;
  }

  @Test
  void openResyncIntoTheNextIndexThenFinishSwapsAndKeepsTheOldIndexWithItsHorizon() throws Exception {
    OperationsHandler function = syncedFirstIndex();
    ObjectNode run = openedRun(function);
    String next = run.path("versions").path("next").asText();
    assertThat(documents(next)).isZero();

    resync(function, run);
    assertThat(documents(next)).as("every product still in the source, in the next index").isEqualTo(PRODUCTS - 1);
    assertThat(documents(names.initialIndex())).as("the current index untouched").isEqualTo(PRODUCTS);

    Instant before = Instant.now();
    JsonNode finished = invoke(function, request("backfill-finish", run));
    assertThat(finished.path("swapped").asBoolean()).as(finished.toString()).isTrue();
    assertThat(finished.path("steps").findValuesAsText("step")).containsExactly("tombstones", "reconcile", "swap");
    assertThat(finished.path("steps").get(0).path("carried").asLong()).as("the removed product's tombstone").isPositive();
    assertThat(finished.path("steps").get(1).path("remaining").asLong()).isZero();
    assertThat(documents(next)).as("the tombstone carried over").isEqualTo(PRODUCTS);

    assertThat(aliases(next).has(names.readAlias())).isTrue();
    assertThat(aliases(next).has(names.writeAlias())).isTrue();
    assertThat(aliases(next).has(names.backfillAlias())).as("the second target closed").isFalse();
    assertThat(aliases(names.initialIndex()).size()).as("nothing reads or writes the old index").isZero();
    JsonNode mark = http("GET", "/" + names.initialIndex() + "/_mapping", null)
        .path(names.initialIndex()).path("mappings").path("_meta").path("cqrs_suite_replaced");
    assertThat(mark.path("replaced_by").asText()).isEqualTo(next);
    Instant keepUntil = Instant.parse(mark.path("keep_until").asText());
    assertThat(keepUntil).isBetween(before.plus(Duration.ofDays(3)), Instant.now().plus(Duration.ofDays(3)));
  }

  @Test
  void aDifferenceNoHealCanFixRefusesTheSwapWithTheReasonAndLeavesTheNextIndexOpen() throws Exception {
    OperationsHandler function = syncedFirstIndex();
    ObjectNode run = openedRun(function);
    String next = run.path("versions").path("next").asText();
    resync(function, run);
    // A product the index's mapping refuses (price is a long): lost, and still lost after every heal.
    product("B-999", 1, false, "not a number");

    assertThatThrownBy(() -> invoke(function, request("backfill-finish", run)))
        .isInstanceOf(BackfillNotSwappedException.class)
        .hasMessageContaining("1 difference(s) remain in " + next)
        .hasMessageContaining("stays open and dual-written");
    assertThat(aliases(names.initialIndex()).has(names.readAlias())).as("readers still on the current index").isTrue();
    assertThat(aliases(names.initialIndex()).has(names.writeAlias())).isTrue();
    assertThat(aliases(next).has(names.backfillAlias())).as("the next index still open as the second target").isTrue();
    assertThat(aliases(next).has(names.readAlias())).isFalse();
  }
}
