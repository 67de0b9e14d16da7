package io.cqrssuite.functions.eventfactory;

import dagger.BindsInstance;
import dagger.Component;
import io.cqrssuite.command.CommandModule;
import io.cqrssuite.entrypoint.Environment;
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.entrypoint.SuiteModule;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.reliability.InvocationDeadline;
import io.cqrssuite.reliability.ReliabilityModule;
import io.cqrssuite.reliability.alarm.AlarmModule;
import io.cqrssuite.reliability.idempotency.IdempotencyModule;
import java.util.Map;
import javax.inject.Singleton;

/** The object graph of {@code EventFactoryFunction}, generated at compile time by Dagger. */
@Singleton
@Component(modules = {
  SuiteModule.class, ReliabilityModule.class, AlarmModule.class, IdempotencyModule.class, CatalogModule.class, CatalogSyncModule.class,
  CommandModule.class, ImportModule.class
})
public interface EventFactoryComponent {
  EventEntrypoint entrypoint();

  /** Set from Lambda's remaining time at the start of each invocation; bounds in-invocation retries. */
  InvocationDeadline invocationDeadline();

  /** Told about each invocation (request id, trace id, cold start) so every log line carries them. */
  StructuredLog log();

  @Component.Factory
  interface Factory {
    EventFactoryComponent create(@BindsInstance @Environment Map<String, String> environment);
  }

  static EventFactoryComponent create(Map<String, String> environment) {
    return DaggerEventFactoryComponent.factory().create(environment);
  }
}
