package io.cqrssuite.reliability;

import io.cqrssuite.config.Environment;
import io.cqrssuite.entrypoint.CoreModule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.outbound.OutboundMessages;
import io.cqrssuite.outbound.OutboundModule;
import io.cqrssuite.workflow.WorkflowModule;
import io.cqrssuite.workflow.WorkflowStarts;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.inject.Singleton;
import org.junit.jupiter.api.Test;

/** The graph a function gets from {@link CoreModule}: one correlation context behind the processor, the log and the publishers. */
class SuiteModuleCorrelationTest {
  @Module
  interface OrdersModule {
    @Provides
    @IntoSet
    static EventHandler<?> orders(StructuredLog log) {
      return TestHandler.of("orders", SqsMessageEvent.class, e -> {
        log.info("order handled", Map.of("messageId", e.messageId()));
        return null;
      });
    }
  }

  @Singleton
  @Component(modules = {CoreModule.class, OutboundModule.class, WorkflowModule.class, OrdersModule.class})
  interface Graph {
    BatchProcessor processor();

    OutboundMessages outbound();

    WorkflowStarts workflows();

    @Component.Factory
    interface Factory {
      Graph create(@BindsInstance @Environment Map<String, String> environment);
    }
  }

  @Test
  void aHandlersLinesCarryTheRecordsIdAndThePublishersAreBuiltWithoutClients() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    Graph graph;
    // The environment's log writes to stderr, taken when it is built: capture it for this graph only.
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      graph = DaggerSuiteModuleCorrelationTest_Graph.factory().create(Map.of("POWERTOOLS_SERVICE_NAME", "orders"));
      graph.processor().process(new EventDecoder(EventJson.newMapper(), new DefaultEventFactory())
          .decode(SampleEvents.stream("sqs/standard-batch.json")));
    } finally {
      System.setErr(stderr);
    }

    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(bytes.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
    assertThat(first.path("message").asText()).isEqualTo("order handled");
    assertThat(first.path("correlation_id").asText()).isEqualTo("53aea839-5bcb-48b2-8716-fe05babcf9b6");
    // Built without any AWS call or client: the clients come on first send.
    assertThat(graph.outbound()).isSameAs(graph.outbound());
    assertThat(graph.workflows()).isNotNull();
  }
}
