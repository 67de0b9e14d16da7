package io.cqrssuite.catalog.function;

import dagger.BindsInstance;
import dagger.Component;
import io.cqrssuite.command.CommandModule;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entrypoint.CoreModule;
import io.cqrssuite.migrations.deploy.MigrationReadModel;
import io.cqrssuite.reliability.alarm.AlarmModule;
import java.util.Map;
import javax.inject.Singleton;

/**
 * The object graph of the catalog's {@code SchemaMigrationFunction} when a migration is pending: the read models,
 * table mappings, command side and alarms of {@link OperationsComponent} (the same modules, so the migration checks
 * and resyncs the read model exactly as the operations do), plus {@link SchemaMigrationModule}. Building it reads
 * and connects nothing; {@link #migrationReadModel()} does.
 */
@Singleton
@Component(modules = {
    CoreModule.class, AlarmModule.class, CommandModule.class, CatalogSyncModule.class, OperationsModule.class,
    SchemaMigrationModule.class})
public interface SchemaMigrationComponent {
  MigrationReadModel migrationReadModel();

  @Component.Factory
  interface Factory {
    SchemaMigrationComponent create(@BindsInstance @Environment Map<String, String> environment);
  }

  static SchemaMigrationComponent create(Map<String, String> environment) {
    return DaggerSchemaMigrationComponent.factory().create(environment);
  }
}
