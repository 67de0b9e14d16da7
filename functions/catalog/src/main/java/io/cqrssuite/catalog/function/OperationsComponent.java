package io.cqrssuite.catalog.function;

import dagger.BindsInstance;
import dagger.Component;
import io.cqrssuite.catalog.operations.BackfillSteps;
import io.cqrssuite.catalog.operations.ResyncSegments;
import io.cqrssuite.catalog.operations.ScheduledReconcile;
import io.cqrssuite.command.CommandModule;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entrypoint.CoreModule;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.reliability.alarm.AlarmModule;
import io.cqrssuite.retry.InvocationDeadline;
import java.util.Map;
import javax.inject.Singleton;

/**
 * The object graph of the catalog's {@code OperationsFunction}, generated at compile time by Dagger from the modules
 * the event factory's graph is made of: the same read models ({@link CatalogSyncModule}), table mappings and command
 * side (offloaded attributes resolved as the sync resolves them), and alarms; plus {@link OperationsModule}.
 */
@Singleton
@Component(modules = {CoreModule.class, AlarmModule.class, CommandModule.class, CatalogSyncModule.class, OperationsModule.class})
public interface OperationsComponent {
  ResyncSegments resyncSegments();

  ScheduledReconcile scheduledReconcile();

  BackfillSteps backfillSteps();

  /** Set from Lambda's remaining time at the start of each invocation; bounds the read models' waits. */
  InvocationDeadline invocationDeadline();

  StructuredLog log();

  @Component.Factory
  interface Factory {
    OperationsComponent create(@BindsInstance @Environment Map<String, String> environment);
  }

  static OperationsComponent create(Map<String, String> environment) {
    return DaggerOperationsComponent.factory().create(environment);
  }
}
