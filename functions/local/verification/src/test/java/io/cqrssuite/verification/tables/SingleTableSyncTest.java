package io.cqrssuite.verification.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entity.CodeRule;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.VersionSource;
import io.cqrssuite.entrypoint.CoreModule;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventFactory;
import io.cqrssuite.fixtures.TestHandler;
import io.cqrssuite.handler.EntrypointComponent;
import io.cqrssuite.handler.EventFactoryHandler;
import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.opensearch.OpenSearchSyncModule;
import io.cqrssuite.sync.opensearch.SearchDocuments;
import io.cqrssuite.sync.rds.RdsColumn;
import io.cqrssuite.sync.rds.RdsColumnType;
import io.cqrssuite.sync.rds.RdsSyncModule;
import io.cqrssuite.sync.rds.RdsTableMapping;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.inject.Singleton;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * One DynamoDB table in the single-table style ({@code PK}/{@code SK}), holding customers ({@code SK = PROFILE}) and
 * their orders ({@code SK = ORDER#<id>}) and addresses the application does not project: the table mapping, declared
 * in code through the function's Dagger module as docs/read-models.md shows, tells the two entity types apart by key
 * prefix, and both reach PostgreSQL (a table each) and OpenSearch (one index) through the real entrypoint, with
 * redelivery and reordering changing nothing. The address items are no entity: they reach only the application's
 * handler of change events (which sees every change).
 */
class SingleTableSyncTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE = "acme-app";
  private static final List<DataChangeEvent> HANDLED = Collections.synchronizedList(new ArrayList<>());

  private static Map<String, String> env;
  private static String jdbcUrl;
  private static PostgresEngine postgres;
  private static OpenSearchClient search;
  private static OpenSearchSettings searchSettings;
  private static Handler function;

  @Module
  interface AppModule {
    @Provides
    static EventFactory eventFactory() {
      return new DefaultEventFactory();
    }

    /** The single table: customers and orders told apart by the sort key's prefix; addresses are no entity. */
    @Provides
    @IntoSet
    static TableMapping appTable() {
      VersionSource version = new VersionSource.IntegerAttribute("version");
      return TableMapping.builder(TABLE)
          .entity(EntityMapping.keyPair("customer", "PK", "SK", new CodeRule.Whole(), version).when("SK", "PROFILE"))
          .entity(EntityMapping.keyPair("order", "PK", "SK", new CodeRule.AfterPrefix("ORDER#"), version).when("SK", "ORDER#"))
          .build();
    }

    @Provides
    @IntoSet
    static RdsTableMapping customers() {
      return new RdsTableMapping(
          "customer", List.of(RdsColumn.of("name", "name", RdsColumnType.TEXT)), ChangeSelector.EntityType.of("customer"));
    }

    @Provides
    @IntoSet
    static RdsTableMapping orders() {
      return new RdsTableMapping(
          "customer_order",
          List.of(RdsColumn.of("status", "status", RdsColumnType.TEXT), RdsColumn.of("total", "total", RdsColumnType.BIGINT)),
          ChangeSelector.EntityType.of("order"));
    }

    @Provides
    @SearchDocuments
    static ChangeSelector documents() {
      return ChangeSelector.EntityType.of("customer", "order");
    }

    @Provides
    @IntoSet
    static EventHandler<?> otherItems() {
      return TestHandler.of("other-items", DataChangeEvent.class, HANDLED::add);
    }
  }

  @Singleton
  @Component(modules = {CoreModule.class, RdsSyncModule.class, OpenSearchSyncModule.class, AppModule.class})
  interface App extends EntrypointComponent {
    @Component.Factory
    interface Factory {
      App create(@BindsInstance @Environment Map<String, String> environment);
    }
  }

  /** The function as Lambda loads it: one component per container. */
  static final class Handler extends EventFactoryHandler {
    Handler(Map<String, String> env) {
      super(DaggerSingleTableSyncTest_App.factory().create(env));
    }
  }

  @BeforeAll
  static void readModels() throws Exception {
    postgres = TestEngines.postgres();
    jdbcUrl = postgres.createDatabase("single_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    try (Connection admin = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        Statement ddl = admin.createStatement()) {
      for (String table : new String[] {"customer (name text", "customer_order (status text, total bigint"}) {
        ddl.execute("CREATE TABLE " + table + ", id varchar(400) PRIMARY KEY, pk varchar(200) NOT NULL,"
            + " code varchar(200) NOT NULL, version bigint NOT NULL, is_deleted boolean NOT NULL DEFAULT false,"
            + " synced_at timestamptz NOT NULL)");
      }
    }
    env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    env.put("SUITE_RDS_URL", jdbcUrl);
    env.put("SUITE_RDS_USER", postgres.user());
    env.put("SUITE_RDS_PASSWORD", postgres.password());
    env.put("SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString());
    env.put("SUITE_OPENSEARCH_INDEX", "app" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    env.put("SUITE_OPENSEARCH_TEMPLATE", "single-table/orders-template.json");
    searchSettings = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    search = OpenSearchClients.create(searchSettings, "us-east-1");
    new OpenSearchIndexes(search, searchSettings.indexNames(), OpenSearchIndexes.template(searchSettings.templateResource()))
        .ensure();
    function = new Handler(env);
  }

  @Test
  void twoEntityTypesOfOneTableAreSyncedToPostgresqlAndOpenSearchByTheirKeyPrefix() throws Exception {
    List<ObjectNode> records = List.of(
        insert(1, customer("c-1", "Ada", 1)),
        insert(2, order("c-1", "o-1", "NEW", 1200, 1)),
        modify(3, order("c-1", "o-1", "NEW", 1200, 1), order("c-1", "o-1", "SHIPPED", 1200, 2)),
        insert(4, order("c-1", "o-2", "NEW", 300, 1)),
        remove(5, order("c-1", "o-2", "NEW", 300, 1)),
        insert(6, address("c-1", "home")),
        modify(7, customer("c-1", "Ada", 1), customer("c-1", "Ada Lovelace", 2)));

    JsonNode response = invoke(records);
    Map<String, String> rowsOnce = rows();
    Map<String, String> documentsOnce = documents();
    // The same records again, newest first: every write is a duplicate or stale, nothing moves.
    List<ObjectNode> reversed = new ArrayList<>(records);
    Collections.reverse(reversed);
    JsonNode again = invoke(reversed);

    assertThat(response.path("batchItemFailures")).isEmpty();
    assertThat(again.path("batchItemFailures")).isEmpty();
    assertThat(rowsOnce).containsExactlyInAnyOrderEntriesOf(Map.of(
        "customer CUSTOMER#c-1#PROFILE", "v2 Ada Lovelace",
        "customer_order CUSTOMER#c-1#o-1", "v2 SHIPPED 1200",
        "customer_order CUSTOMER#c-1#o-2", "v1 deleted"));
    assertThat(documentsOnce).containsExactlyInAnyOrderEntriesOf(Map.of(
        "CUSTOMER#c-1#PROFILE", "v2 Ada Lovelace",
        "CUSTOMER#c-1#o-1", "v2 SHIPPED 1200",
        "CUSTOMER#c-1#o-2", "v1 deleted"));
    assertThat(rows()).isEqualTo(rowsOnce);
    assertThat(documents()).isEqualTo(documentsOnce);
    // The application's own handler of change events saw every change of both deliveries, mapped or not; the
    // address, no entity of the mapping, went nowhere else (the maps above hold no ADDRESS).
    assertThat(HANDLED).hasSize(2 * records.size());
    assertThat(HANDLED).filteredOn(e -> e.keys().path("SK").asText().startsWith("ADDRESS#")).hasSize(2);
  }

  private static JsonNode invoke(List<ObjectNode> records) throws Exception {
    ObjectNode event = JSON.createObjectNode();
    event.putArray("Records").addAll(records);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    function.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
    return JSON.readTree(out.toByteArray());
  }

  /** Every row of both tables, tombstones included: {@code "<table> <id>" -> "v<version> <columns>"}. */
  private static Map<String, String> rows() throws Exception {
    Map<String, String> rows = new TreeMap<>();
    try (Connection reader = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        Statement query = reader.createStatement()) {
      try (ResultSet rs = query.executeQuery("SELECT id, version, is_deleted, name FROM customer")) {
        while (rs.next()) {
          rows.put("customer " + rs.getString(1), "v" + rs.getLong(2) + (rs.getBoolean(3) ? " deleted" : " " + rs.getString(4)));
        }
      }
      try (ResultSet rs = query.executeQuery("SELECT id, version, is_deleted, status, total FROM customer_order")) {
        while (rs.next()) {
          rows.put("customer_order " + rs.getString(1),
              "v" + rs.getLong(2) + (rs.getBoolean(3) ? " deleted" : " " + rs.getString(4) + " " + rs.getLong(5)));
        }
      }
    }
    return rows;
  }

  /** Every document behind the write alias, tombstones included: {@code id -> "v<version> <fields>"}. */
  private static Map<String, String> documents() throws Exception {
    String writeAlias = searchSettings.indexNames().writeAlias();
    search.indices().refresh(r -> r.index(writeAlias));
    Map<String, String> documents = new TreeMap<>();
    search.search(s -> s.index(writeAlias).size(100), ObjectNode.class).hits().hits().forEach(hit -> {
      ObjectNode d = hit.source();
      String state = d.path("is_deleted").asBoolean()
          ? "deleted"
          : d.has("name") ? d.path("name").asText() : d.path("status").asText() + " " + d.path("total").asLong();
      documents.put(hit.id(), "v" + d.path("version").asLong() + " " + state);
    });
    return documents;
  }

  private static ObjectNode customer(String customer, String name, int version) {
    ObjectNode item = item("CUSTOMER#" + customer, "PROFILE", version);
    item.putObject("name").put("S", name);
    return item;
  }

  private static ObjectNode order(String customer, String order, String status, long total, int version) {
    ObjectNode item = item("CUSTOMER#" + customer, "ORDER#" + order, version);
    item.putObject("status").put("S", status);
    item.putObject("total").put("N", Long.toString(total));
    return item;
  }

  /** An item of the table that is no entity of the mapping (and has no version). */
  private static ObjectNode address(String customer, String label) {
    ObjectNode item = JSON.createObjectNode();
    item.putObject("PK").put("S", "CUSTOMER#" + customer);
    item.putObject("SK").put("S", "ADDRESS#" + label);
    item.putObject("city").put("S", "London");
    return item;
  }

  private static ObjectNode item(String pk, String sk, int version) {
    ObjectNode item = JSON.createObjectNode();
    item.putObject("PK").put("S", pk);
    item.putObject("SK").put("S", sk);
    item.putObject("version").put("N", Integer.toString(version));
    return item;
  }

  private static ObjectNode insert(int sequence, ObjectNode image) {
    return record("INSERT", sequence, image, null, image);
  }

  private static ObjectNode modify(int sequence, ObjectNode before, ObjectNode after) {
    return record("MODIFY", sequence, after, before, after);
  }

  private static ObjectNode remove(int sequence, ObjectNode before) {
    return record("REMOVE", sequence, before, before, null);
  }

  /** A stream record in the shape Lambda delivers it (NEW_AND_OLD_IMAGES). */
  private static ObjectNode record(String name, int sequence, ObjectNode keysOf, ObjectNode oldImage, ObjectNode newImage) {
    ObjectNode record = JSON.createObjectNode();
    record.put("eventID", "e" + sequence);
    record.put("eventName", name);
    record.put("eventVersion", "1.1");
    record.put("eventSource", "aws:dynamodb");
    record.put("awsRegion", "us-east-1");
    ObjectNode dynamodb = record.putObject("dynamodb");
    dynamodb.put("ApproximateCreationDateTime", 1_796_400_000L + sequence);
    ObjectNode keys = dynamodb.putObject("Keys");
    keys.set("PK", keysOf.get("PK"));
    keys.set("SK", keysOf.get("SK"));
    if (newImage != null) {
      dynamodb.set("NewImage", newImage);
    }
    if (oldImage != null) {
      dynamodb.set("OldImage", oldImage);
    }
    dynamodb.put("SequenceNumber", String.format("%021d", sequence));
    dynamodb.put("SizeBytes", 100);
    dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
    record.put("eventSourceARN", "arn:aws:dynamodb:us-east-1:123456789012:table/" + TABLE + "/stream/2026-12-01T00:00:00.000");
    return record;
  }
}
