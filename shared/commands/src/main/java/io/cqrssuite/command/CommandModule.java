package io.cqrssuite.command;

import io.cqrssuite.aws.internal.OnFirstUse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Module;
import io.cqrssuite.aws.AwsModule;
import io.cqrssuite.workflow.WorkflowModule;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.config.Environment;
import io.cqrssuite.workflow.WorkflowStarts;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.sync.ChangeIntake;
import io.cqrssuite.sync.DataSyncDispatcher;
import io.cqrssuite.sync.SyncModule;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The command side of a function, from the environment ({@link CommandSettings}, {@link CommandSyncSettings}): with
 * {@code SUITE_COMMAND_TABLE} set, the {@link DataSyncDispatcher} takes each stream record through the
 * {@link CommandIntake} (data and history tables first, or one workflow per command) and the workflow's
 * {@link CommandSyncTask} gets its handler; unset, the command side is off and the stream sync works as without
 * this module. Add it next to {@code CoreModule}; route tasks with {@link CommandTaskRouting}.
 *
 * <p>Clients are built lazily: the DynamoDB client when the command side is first used, the S3 client only when a
 * bucket is configured and a pointer is first read or written.
 */
@Module(includes = {AwsModule.class, WorkflowModule.class, SyncModule.class})
public interface CommandModule {
  /** The command side's parts, built together from one configuration. */
  record CommandSide(CommandSettings settings, CommandService service, CommandSync sync, CommandIntake intake) {}

  @Provides
  @Singleton
  static Optional<CommandSettings> commandSettings(@Environment Map<String, String> env) {
    return CommandSettings.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static CommandSyncSettings commandSyncSettings(@Environment Map<String, String> env) {
    return CommandSyncSettings.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static CommandSyncWrites commandSyncWrites(@Environment Map<String, String> env) {
    return CommandSyncWrites.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static Optional<CommandSide> commandSide(
      Optional<CommandSettings> settings,
      CommandSyncSettings mode,
      CommandSyncWrites writes,
      AwsSettings aws,
      AwsClients clients,
      WorkflowStarts starts,
      TableMappings mappings,
      ObjectMapper mapper) {
    if (settings.isEmpty()) {
      return Optional.empty();
    }
    CommandSettings s = settings.get();
    // Built at the first command read, written or synced: a cold start on any other event never pays for it.
    Supplier<DynamoDbClient> dynamoDb = new OnFirstUse<>(() -> clients.configure(DynamoDbClient.builder(), "DYNAMODB").build());
    Supplier<S3Client> s3 = s.bucket() == null ? null : new OnFirstUse<>(
        // A local endpoint (LocalStack, S3Mock) names no bucket host: address buckets by path there.
        () -> clients.configure(S3Client.builder(), "S3").forcePathStyle(aws.endpointFor("S3") != null).build());
    CommandService service = new CommandService(dynamoDb, s3, s, mapper, Clock.systemUTC());
    CommandSync sync = new CommandSync(dynamoDb, s.tables());
    CommandImages images = s.bucket() == null ? null : service.images();
    CommandBatchSync batch = new CommandBatchSync(dynamoDb, s.tables(), writes);
    CommandIntake intake = new CommandIntake(s.tables(), mappings, sync, batch, images, mode, starts, mapper);
    return Optional.of(new CommandSide(s, service, sync, intake));
  }

  @Provides
  static Optional<CommandService> commandService(Optional<CommandSide> side) {
    return side.map(CommandSide::service);
  }

  @Provides
  static Optional<CommandSync> commandSync(Optional<CommandSide> side) {
    return side.map(CommandSide::sync);
  }

  /** The reader of S3 pointers; empty without a command bucket (images are then projected as stored). */
  @Provides
  static Optional<CommandImages> commandImages(Optional<CommandSide> side) {
    return side.filter(s -> s.settings().bucket() != null).map(s -> s.service().images());
  }

  /**
   * The intake of the {@link DataSyncDispatcher}: every stream record through the data and history tables before
   * the read models; records are only normalised while the command side is off.
   */
  @Provides
  static ChangeIntake changeIntake(Optional<CommandSide> side, TableMappings mappings) {
    return side.<ChangeIntake>map(CommandSide::intake).orElseGet(() -> ChangeIntake.mapped(mappings));
  }

  @Provides
  @ElementsIntoSet
  static Set<EventHandler<?>> commandSyncTasks(Optional<CommandSide> side, DataSyncDispatcher readModels) {
    return side.<Set<EventHandler<?>>>map(s -> Set.of(new CommandSyncTaskHandler(s.service(), s.intake(), readModels, s.settings().tables())))
        .orElse(Set.of());
  }
}
