package io.cqrssuite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dagger.multibindings.IntoSet;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entrypoint.CoreModule;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventFactory;
import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import io.cqrssuite.handler.EntrypointComponent;
import io.cqrssuite.handler.EventFactoryHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.inject.Singleton;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Any table's stream is an event (contract §1): a table the function does not map reaches its handlers as plain
 * change events, whatever its keys, and the read models ignore it; a tumbling window's fields stay on the delivery.
 * The samples are AWS's shapes, unmodified.
 */
class AnyTableStreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<DataChangeEvent> HANDLED = new ArrayList<>();
  private static final List<ChangeRecord> SYNCED = new ArrayList<>();
  private static boolean withHandler;

  /** A read-model target that records what it is given. */
  static final class RecordingTarget implements DataSyncHandler {
    @Override
    public boolean accepts(ChangeRecord change) {
      return true;
    }

    @Override
    public SyncOutcome up(ChangeRecord change) {
      SYNCED.add(change);
      return SyncOutcome.APPLIED;
    }

    @Override
    public SyncOutcome down(ChangeRecord change) {
      SYNCED.add(change);
      return SyncOutcome.APPLIED;
    }
  }

  @Module
  interface FunctionModule {
    @Provides
    static EventFactory eventFactory() {
      return new DefaultEventFactory();
    }

    @Provides
    @IntoSet
    static DataSyncHandler target() {
      return new RecordingTarget();
    }

    @Provides
    @IntoSet
    static TableMapping productCommands() {
      return ProductTables.COMMAND_MAPPING;
    }

    @Provides
    @ElementsIntoSet
    static Set<EventHandler<?>> changes() {
      return withHandler ? Set.of(TestHandler.of("changes", DataChangeEvent.class, e -> HANDLED.add(e))) : Set.of();
    }
  }

  @Singleton
  @Component(modules = {CoreModule.class, SyncModule.class, FunctionModule.class})
  interface Function extends EntrypointComponent {
    @Component.Factory
    interface Factory {
      Function create(@BindsInstance @Environment Map<String, String> environment);
    }
  }

  static final class Handler extends EventFactoryHandler {
    Handler(Map<String, String> env) {
      super(DaggerAnyTableStreamTest_Function.factory().create(env));
    }
  }

  @BeforeEach
  void clear() {
    HANDLED.clear();
    SYNCED.clear();
    withHandler = false;
  }

  private static JsonNode invoke(InputStream event, Map<String, String> extra) throws IOException {
    Map<String, String> env = new HashMap<>(Map.of("SUITE_LOG_LEVEL", "ERROR", "SUITE_METRICS", "off"));
    env.putAll(extra);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Handler(env).handleRequest(event, out, null);
    return JSON.readTree(out.toByteArray());
  }

  @Test
  void anUnmappedTablesChangesReachTheHandlersAsPlainChangeEventsAndNoReadModel() throws IOException {
    withHandler = true;

    JsonNode response = invoke(SampleEvents.stream("dynamodb/id-keyed-table.json"), Map.of());

    assertThat(response.path("batchItemFailures")).isEmpty();
    assertThat(SYNCED).isEmpty();
    assertThat(HANDLED).extracting(DataChangeEvent::tableName).containsOnly("ExampleTableWithStream");
    assertThat(HANDLED).extracting(e -> e.operation().name()).containsExactly("INSERT", "MODIFY", "REMOVE");
    DataChangeEvent modify = HANDLED.get(1);
    assertThat(modify.keys().get("Id").asInt()).isEqualTo(101);
    assertThat(modify.oldImage().get("Message").asText()).isEqualTo("New item!");
    assertThat(modify.newImage().get("Message").asText()).isEqualTo("This item has changed");
    assertThat(modify.sequenceNumber()).isEqualTo("4421584500000000017450439092");
    assertThat(modify.approximateCreationTime()).isEqualTo(Instant.ofEpochSecond(1428537600));
    assertThat(HANDLED.get(2).removedByTtl()).isFalse();
    assertThat(HANDLED.get(2).newImage()).isNull();
  }

  @Test
  void withUnhandledEventsIgnoredAnUnmappedTableIsAcknowledged() throws IOException {
    JsonNode response = invoke(SampleEvents.stream("dynamodb/id-keyed-table.json"), Map.of("SUITE_UNHANDLED_EVENTS", "ignore"));

    assertThat(response.toString()).isEqualTo("{\"batchItemFailures\":[]}");
    assertThat(SYNCED).isEmpty();
  }

  @Test
  void byDefaultAnUnmappedTableNoHandlerTakesIsReportedNotDropped() throws IOException {
    JsonNode response = invoke(SampleEvents.stream("dynamodb/id-keyed-table.json"), Map.of());

    assertThat(response.path("batchItemFailures").get(0).path("itemIdentifier").asText())
        .isEqualTo("4421584500000000017450439091");
  }

  @Test
  void aMappedCopyWithAnUpdatedAtIsSyncedAtThatMillisecond() throws IOException {
    ObjectNode copy = SampleEvents.tree("dynamodb/id-keyed-table.json");
    String[] times = {"2026-12-01T10:00:00.001Z", "2026-12-01T10:00:00.002Z", "2026-12-01T10:00:00.002Z"};
    for (int i = 0; i < 3; i++) {
      ObjectNode dynamodb = (ObjectNode) copy.get("Records").get(i).get("dynamodb");
      ObjectNode image = (ObjectNode) (i == 2 ? dynamodb.get("OldImage") : dynamodb.get("NewImage"));
      image.putObject("updatedAt").put("S", times[i]);
    }
    String mapping = "[{\"table\": \"ExampleTableWithStream\", \"type\": \"message\", \"key\": \"Id\", \"version\": \"timestamp:updatedAt\"}]";

    JsonNode response = invoke(SampleEvents.stream(copy), Map.of("SUITE_TABLE_MAPPINGS", mapping));

    assertThat(response.path("batchItemFailures")).isEmpty();
    // The dispatcher keeps the newest version of each entity per delivery; at equal milliseconds the delete wins.
    assertThat(SYNCED).hasSize(1);
    assertThat(SYNCED.get(0).id()).isEqualTo("message#101");
    assertThat(SYNCED.get(0).deleted()).isTrue();
    assertThat(SYNCED.get(0).version()).isEqualTo(Instant.parse("2026-12-01T10:00:00.002Z").toEpochMilli());
  }

  @Test
  void aTumblingWindowIsKeptOnTheDeliveryAndItsStateHandedBack() throws IOException {
    withHandler = true;

    JsonNode response = invoke(SampleEvents.stream("dynamodb/tumbling-window.json"), Map.of());

    assertThat(response.path("batchItemFailures")).isEmpty();
    assertThat(response.path("state")).isEqualTo(JSON.readTree("{\"1\": \"state1\"}"));
    assertThat(HANDLED).hasSize(2);
    assertThat(HANDLED).allSatisfy(e -> {
      assertThat(e.window().start()).isEqualTo(Instant.parse("2020-07-30T17:00:00Z"));
      assertThat(e.window().end()).isEqualTo(Instant.parse("2020-07-30T17:05:00Z"));
      assertThat(e.window().shardId()).isEqualTo("shard123456789");
      assertThat(e.window().finalInvoke()).isFalse();
      assertThat(e.window().terminatedEarly()).isFalse();
    });
  }

  @Test
  void aWindowsLastInvocationMayCarryNoRecord() throws IOException {
    ObjectNode last = SampleEvents.tree("dynamodb/tumbling-window.json");
    last.putArray("Records");
    last.put("isFinalInvokeForWindow", true);

    JsonNode response = invoke(SampleEvents.stream(last), Map.of());

    assertThat(response.toString()).isEqualTo("{\"batchItemFailures\":[],\"state\":{\"1\":\"state1\"}}");
  }
}
