package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.Resolution;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.entity.VersionSource;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.testing.engine.SqlEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user's own table, keyed {@code Id} (N) and without versions, as AWS's documented stream sample shows it: mapped
 * by key and {@code updatedAt}, its changes are synced like any other, version-guarded by the millisecond.
 */
class IdKeyedTableSyncTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TableMappings MAPPINGS =
      new TableMappings(
          List.of(TableMapping.of("ExampleTableWithStream", EntityMapping.singleKey("message", "Id", new VersionSource.Timestamp("updatedAt")))));
  /** The {@code updatedAt} of the INSERT's and the MODIFY's new images. */
  private static final String[] TIMES = {"2026-12-01T10:00:00.001Z", "2026-12-01T10:00:00.250Z"};

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void theSampleWithAnUpdatedAtIsSyncedAndARedeliveryChangesNothing(String name) throws Exception {
    SqlEngine engine = TestEngines.named(name);
    String url = engine.createDatabase("idkeyed_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    try (Connection admin = DriverManager.getConnection(url, engine.user(), engine.password());
        Statement ddl = admin.createStatement()) {
      boolean postgres = name.equals("postgresql");
      ddl.execute("CREATE TABLE message (id varchar(200) PRIMARY KEY, pk varchar(200) NOT NULL, code varchar(200) NOT NULL,"
          + " text_value " + (postgres ? "text" : "varchar(500)") + ", version bigint NOT NULL,"
          + " is_deleted boolean NOT NULL DEFAULT false, synced_at " + (postgres ? "timestamptz" : "datetime(6)") + " NOT NULL)");
    }
    RdsConnections connections = new RdsConnections(SqlDialect.forJdbcUrl(url), url, engine.user(), PasswordSource.fixed(engine.password()));
    RdsTableMapping rows =
        new RdsTableMapping("message", List.of(RdsColumn.of("text_value", "Message", RdsColumnType.TEXT)), ChangeSelector.EntityType.of("message"));
    RdsSyncHandler handler = new RdsSyncHandler(connections, new RdsSchema(connections, List.of(rows)), Clock.systemUTC());

    List<ChangeRecord> changes = changes(withUpdatedAt());
    List<SyncOutcome> first = handler.sync(changes.subList(0, 2));
    Row afterModify = row(url, engine);
    // Another write within the same millisecond: equal updatedAt is a duplicate, whatever the content.
    ChangeRecord modify = changes.get(1);
    ObjectNode sameMillisecond = modify.image().deepCopy().put("Message", "written in the same millisecond");
    List<SyncOutcome> tie = handler.sync(List.of(new ChangeRecord(
        modify.table(), modify.pk(), modify.code(), modify.id(), modify.version(), false, sameMillisecond, modify.type())));
    Row afterTie = row(url, engine);
    List<SyncOutcome> delete = handler.sync(changes.subList(2, 3));
    Row afterRemove = row(url, engine);
    List<SyncOutcome> again = handler.sync(changes);

    assertThat(changes).extracting(ChangeRecord::id).containsOnly("message#101");
    assertThat(first).allMatch(SyncOutcome::succeeded);
    assertThat(afterModify).isEqualTo(new Row("This item has changed", Instant.parse(TIMES[1]).toEpochMilli(), false));
    assertThat(tie).singleElement().isInstanceOf(SyncOutcome.Duplicate.class);
    assertThat(afterTie).isEqualTo(afterModify);
    // The REMOVE's old image is the MODIFY's state, so the delete carries its version and wins the tie.
    assertThat(delete).allMatch(SyncOutcome::succeeded);
    assertThat(afterRemove).isEqualTo(new Row("This item has changed", Instant.parse(TIMES[1]).toEpochMilli(), true));
    // The same records delivered again: every write is held back by the millisecond version.
    assertThat(again).allMatch(o -> o instanceof SyncOutcome.Duplicate || o instanceof SyncOutcome.Stale);
    assertThat(row(url, engine)).isEqualTo(afterRemove);
    connections.close();
  }

  /** AWS's sample, unmodified but for an {@code updatedAt} added to each image, as a source that keeps one would. */
  private static ObjectNode withUpdatedAt() {
    ObjectNode copy = SampleEvents.tree("dynamodb/id-keyed-table.json");
    for (int i = 0; i < 3; i++) {
      ObjectNode dynamodb = (ObjectNode) copy.get("Records").get(i).get("dynamodb");
      for (String image : List.of("NewImage", "OldImage")) {
        if (dynamodb.has(image)) {
          // The old image of the MODIFY is the INSERT's state; the REMOVE's old image is the MODIFY's.
          String time = image.equals("NewImage") ? TIMES[i] : TIMES[i - 1];
          ((ObjectNode) dynamodb.get(image)).putObject("updatedAt").put("S", time);
        }
      }
    }
    return copy;
  }

  private static List<ChangeRecord> changes(ObjectNode event) throws Exception {
    EventDecoder decoder = new EventDecoder(JSON, new DefaultEventFactory());
    List<ChangeRecord> changes = new ArrayList<>();
    for (InboundRecord record : decoder.decode(JSON.valueToTree(event)).records()) {
      Resolution resolution = MAPPINGS.resolve((DataChangeEvent) record.events().get(0));
      changes.add(((Resolution.Entity) resolution).change());
    }
    return changes;
  }

  private record Row(String text, long version, boolean deleted) {}

  private static Row row(String url, SqlEngine engine) throws Exception {
    try (Connection reader = DriverManager.getConnection(url, engine.user(), engine.password());
        Statement query = reader.createStatement();
        ResultSet rs = query.executeQuery("SELECT text_value, version, is_deleted FROM message WHERE id = 'message#101'")) {
      assertThat(rs.next()).isTrue();
      return new Row(rs.getString(1), rs.getLong(2), rs.getBoolean(3));
    }
  }
}
