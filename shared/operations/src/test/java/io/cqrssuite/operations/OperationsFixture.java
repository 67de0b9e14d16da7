package io.cqrssuite.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.entity.CodeRule;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.VersionSource;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.Difference;
import io.cqrssuite.reconcile.DifferenceKind;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.report.NdjsonReport;
import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.opensearch.BulkLimits;
import io.cqrssuite.sync.opensearch.IndexNames;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchReconcileTarget;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.opensearch.OpenSearchSyncHandler;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.RdsColumn;
import io.cqrssuite.sync.rds.RdsColumnType;
import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsReconcileTarget;
import io.cqrssuite.sync.rds.RdsSchema;
import io.cqrssuite.sync.rds.RdsSyncHandler;
import io.cqrssuite.sync.rds.RdsTableMapping;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The operations tests' world: a DynamoDB table (dynalite) as the source, and PostgreSQL and OpenSearch read models fed
 * by the live sync, each test on its own table, database and index.
 */
abstract class OperationsFixture {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int ENTITIES = 40;

  static LocalDynamoDb dynalite;
  static DynamoDbClient dynamoDb;

  String table;
  String jdbcUrl;
  PostgresEngine postgres;
  OpenSearchClient search;
  IndexNames names;
  SourceTable source;
  List<ReconcileTarget> targets;

  @BeforeAll
  static void startDynalite() {
    dynalite = LocalDynamoDb.start();
    dynamoDb = LocalDynamoDb.client(dynalite.endpoint());
  }

  @AfterAll
  static void stopDynalite() {
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (dynalite != null) {
      dynalite.close();
    }
  }

  @BeforeEach
  void engines() throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    table = "items-" + suffix;
    LocalDynamoDb.createTable(dynamoDb, table, "pk", "sk");
    postgres = TestEngines.postgres();
    jdbcUrl = postgres.createDatabase("reconcile_" + suffix);
    sql("CREATE TABLE item (id text PRIMARY KEY, pk text NOT NULL, code text NOT NULL, name varchar(200), price bigint,"
        + " tags jsonb, synced_at timestamptz NOT NULL, is_deleted boolean NOT NULL, version bigint NOT NULL)");
    RdsTableMapping mapping =
        new RdsTableMapping(
            "item",
            List.of(
                RdsColumn.of("name", "name", RdsColumnType.TEXT),
                RdsColumn.of("price", "price", RdsColumnType.BIGINT),
                RdsColumn.of("tags", "tags", RdsColumnType.JSON)),
            new ChangeSelector.PkPrefix("ITEM#"));
    RdsConnections connections =
        new RdsConnections(SqlDialect.forJdbcUrl(jdbcUrl), jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()));
    RdsSchema schema = new RdsSchema(connections, List.of(mapping));
    RdsSyncHandler rds = new RdsSyncHandler(connections, schema, Clock.systemUTC());

    names = IndexNames.of("items" + suffix);
    Map<String, String> env = Map.of("SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString().replaceAll("/+$", ""),
        "SUITE_OPENSEARCH_SIGV4", "false", "SUITE_OPENSEARCH_INDEX", "items" + suffix);
    search = OpenSearchClients.create(OpenSearchSettings.fromEnvironment(env).orElseThrow(), "us-east-1");
    new OpenSearchIndexes(search, names, OpenSearchIndexes.template("opensearch/items-template.json")).ensure();
    OpenSearchSyncHandler documents = new OpenSearchSyncHandler(search, names, BulkLimits.defaults(), c -> true);

    TableMapping tableMapping =
        TableMapping.builder(table)
            .entity(EntityMapping.keyPair("item", "pk", "sk", new CodeRule.Whole(), new VersionSource.IntegerAttribute("version")))
            .deletedFlag("isDeleted")
            .build();
    source = new SourceTable(dynamoDb, tableMapping, UnaryOperator.identity());
    targets = new ArrayList<>(RdsReconcileTarget.of(connections, schema, rds, Clock.systemUTC()));
    targets.add(new OpenSearchReconcileTarget(search, names, c -> true, documents, Clock.systemUTC()));
  }

  void sql(String statement) throws Exception {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        Statement s = connection.createStatement()) {
      s.execute(statement);
    }
  }

  void put(String code, long version, boolean deleted, String name) {
    put(code, version, deleted, name, "2026-01-01T00:00:00.000Z");
  }

  void put(String code, long version, boolean deleted, String name, String updatedAt) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS("ITEM#acme"));
    item.put("sk", AttributeValue.fromS(code));
    item.put("version", AttributeValue.fromN(Long.toString(version)));
    item.put("isDeleted", AttributeValue.fromBool(deleted));
    item.put("name", AttributeValue.fromS(name));
    item.put("price", AttributeValue.fromN(Long.toString(1000 + version)));
    item.put("tags", AttributeValue.fromL(List.of(AttributeValue.fromS("a"), AttributeValue.fromS("b"))));
    item.put("weight", AttributeValue.fromN("12.50"));
    item.put("updatedAt", AttributeValue.fromS(updatedAt));
    dynamoDb.putItem(r -> r.tableName(table).item(item));
  }

  static String code(int i) {
    return String.format("I-%03d", i);
  }

  static String id(int i) {
    return ChangeRecord.idOf("ITEM#acme", code(i));
  }

  /** {@link #ENTITIES} items at version 3, three of them deleted (flagged). */
  void writeSource() {
    for (int i = 0; i < ENTITIES; i++) {
      put(code(i), 3, i == 7 || i == 8 || i == 9, "item " + i);
    }
  }

  /** The source, written and synced by the live sync, as a stream would have done it. */
  void syncedSource() throws Exception {
    writeSource();
    List<ChangeRecord> changes = new ArrayList<>();
    source.scan(2, item -> {
      synchronized (changes) {
        changes.add(item.change());
      }
    });
    for (ReconcileTarget target : targets) {
      target.sync(changes);
    }
    search.indices().refresh(r -> r.index(names.writeAlias()));
  }

}
