package io.cqrssuite.catalog.function;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.config.Environment;
import io.cqrssuite.catalog.imports.CommandServiceProductCommands;
import io.cqrssuite.catalog.imports.CsvImportPlanHandler;
import io.cqrssuite.catalog.imports.CsvImportSummaryHandler;
import io.cqrssuite.catalog.imports.ImportObjects;
import io.cqrssuite.catalog.imports.ImportProgress;
import io.cqrssuite.catalog.imports.ImportSettings;
import io.cqrssuite.catalog.imports.ProductCommands;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.task.TaskCallbacks;
import io.cqrssuite.workflow.TaskHeartbeats;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The CSV import (contract §6 showcase): settings ({@link ImportSettings}), S3 and the progress table, where rows go
 * ({@link ProductCommands}: the command service of {@code SUITE_COMMAND_TABLE}), heartbeats, and the workflow's plan
 * and summary tasks. The start ({@code CsvImportHandler}) and chunk ({@code CsvImportChunkHandler}) handlers are
 * contributed by {@link CatalogModule}. SDK clients are built on first use.
 */
@Module
public interface ImportModule {
  @Provides
  @Singleton
  static ImportSettings importSettings(@Environment Map<String, String> env) {
    return ImportSettings.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static ImportObjects importObjects(AwsSettings aws, AwsClients clients) {
    // A local endpoint (S3Mock, LocalStack) names no bucket host: address buckets by path there.
    return new ImportObjects(() -> clients.configure(S3Client.builder(), "S3").forcePathStyle(aws.endpointFor("S3") != null).build());
  }

  @Provides
  @Singleton
  static ImportProgress importProgress(ImportSettings settings, AwsClients clients) {
    return new ImportProgress(() -> clients.configure(DynamoDbClient.builder(), "DYNAMODB").build(), settings.progressTable(), Clock.systemUTC());
  }

  /**
   * The command service of {@code SUITE_COMMAND_TABLE}; without it every chunk fails permanently (the workflow
   * catches it, counts the chunk as failed and raises the alarm) rather than dropping rows.
   */
  @Provides
  @Singleton
  static ProductCommands productCommands(dagger.Lazy<Optional<CommandService>> service) {
    // Lazy: the command side (CommandModule) is resolved at the first imported row, not at init.
    return new CommandServiceProductCommands(() -> service.get().orElseThrow(
        () -> new PermanentException(CommandSettings.TABLE + " is not set: imported rows have no command table to go to")));
  }

  @Provides
  @Singleton
  static TaskHeartbeats taskHeartbeats(TaskCallbacks callbacks, StructuredLog log) {
    return TaskHeartbeats.create(callbacks, log);
  }

  @Binds
  @IntoSet
  EventHandler<?> csvImportPlans(CsvImportPlanHandler handler);

  @Binds
  @IntoSet
  EventHandler<?> csvImportSummaries(CsvImportSummaryHandler handler);
}
