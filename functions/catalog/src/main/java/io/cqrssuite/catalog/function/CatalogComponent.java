package io.cqrssuite.catalog.function;

import dagger.BindsInstance;
import dagger.Component;
import io.cqrssuite.command.CommandModule;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entrypoint.CoreModule;
import io.cqrssuite.handler.EntrypointComponent;
import io.cqrssuite.reliability.alarm.AlarmModule;
import io.cqrssuite.reliability.deadletter.DeadLetterModule;
import io.cqrssuite.reliability.idempotency.IdempotencyModule;
import io.cqrssuite.workflow.WorkflowModule;
import java.util.Map;
import javax.inject.Singleton;

/**
 * The object graph of the catalog's {@code EventFactoryFunction}, generated at compile time by Dagger: the core, the
 * capabilities the catalog uses (task answers and workflow starts, dead letters, alarms, idempotency, the command
 * side) and the catalog's own handlers, read models and CSV import.
 */
@Singleton
@Component(modules = {
  CoreModule.class, WorkflowModule.class, DeadLetterModule.class, AlarmModule.class, IdempotencyModule.class,
  CommandModule.class, CatalogModule.class, CatalogSyncModule.class, ImportModule.class
})
public interface CatalogComponent extends EntrypointComponent {
  @Component.Factory
  interface Factory {
    CatalogComponent create(@BindsInstance @Environment Map<String, String> environment);
  }

  static CatalogComponent create(Map<String, String> environment) {
    return DaggerCatalogComponent.factory().create(environment);
  }
}
