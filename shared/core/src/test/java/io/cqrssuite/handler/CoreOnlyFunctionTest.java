package io.cqrssuite.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entrypoint.CoreModule;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventFactory;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Singleton;
import org.junit.jupiter.api.Test;

/**
 * A function built on cqrs-suite-core alone: no dead-letter sink, no alarms, no task callbacks. What it cannot hand
 * on, it reports as failed, so the source redelivers it; nothing is acknowledged unhandled (contract §5).
 */
class CoreOnlyFunctionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SEEN = new ArrayList<>();

  /** The one handler: order O-1002 is poison, the others are handled. */
  @Module
  interface OrdersModule {
    @Provides
    static EventFactory eventFactory() {
      return new DefaultEventFactory();
    }

    @Provides
    @IntoSet
    static EventHandler<?> orders() {
      return TestHandler.of("orders", SqsMessageEvent.class, e -> {
        if (e.body().contains("O-1002")) {
          throw new PermanentException("order O-1002 names a product that does not exist");
        }
        SEEN.add(e.messageId());
        return null;
      });
    }

    @Provides
    @IntoSet
    static EventHandler<?> tasks() {
      return TestHandler.of("tasks", TaskEvent.class, e -> Map.of("done", true));
    }
  }

  @Singleton
  @Component(modules = {CoreModule.class, OrdersModule.class})
  interface OrdersComponent extends EntrypointComponent {
    @Component.Factory
    interface Factory {
      OrdersComponent create(@BindsInstance @Environment Map<String, String> environment);
    }
  }

  /** What a user's function is: a subclass that only wires its component. */
  static final class OrdersFunction extends EventFactoryHandler {
    OrdersFunction() {
      super(DaggerCoreOnlyFunctionTest_OrdersComponent.factory().create(Map.of("SUITE_LOG_LEVEL", "ERROR")));
    }
  }

  @Test
  void aPoisonSqsRecordIsReportedAsFailedNeverAcknowledged() throws Exception {
    SEEN.clear();
    ByteArrayOutputStream response = new ByteArrayOutputStream();

    new OrdersFunction().handleRequest(SampleEvents.stream("sqs/standard-batch.json"), response, null);

    JsonNode failures = JSON.readTree(response.toByteArray()).path("batchItemFailures");
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).path("itemIdentifier").asText()).isEqualTo("664b366e-a514-4407-b17c-641b8955b44e");
    assertThat(SEEN).containsExactly("04d332cb-e7df-4ddb-9cfe-3d1286abfdd2", "a386bc2f-94b4-431f-ae7e-50344ef58e58");
  }

  @Test
  void aTaskTokenWithNoTaskCallbacksBoundFailsTheInvocationRatherThanGoingUnanswered() {
    assertThatThrownBy(
            () ->
                new OrdersFunction()
                    .handleRequest(SampleEvents.stream("stepfunctions/task-with-token.json"), new ByteArrayOutputStream(), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no TaskCallbacks is bound");
  }
}
