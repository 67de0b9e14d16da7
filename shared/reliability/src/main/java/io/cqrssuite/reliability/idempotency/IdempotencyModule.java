package io.cqrssuite.reliability.idempotency;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import dagger.Module;
import io.cqrssuite.aws.AwsModule;
import dagger.Provides;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.internal.OnFirstUse;
import io.cqrssuite.config.Environment;
import io.cqrssuite.retry.InvocationDeadline;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import javax.inject.Singleton;

/**
 * The idempotency store when {@code SUITE_IDEMPOTENCY_TABLE} is set ({@link IdempotencySettings}), else empty. A
 * function adds this module next to {@code SuiteModule} and wraps its non-version-guarded handlers in an
 * {@link IdempotentHandler} with the store. The DynamoDB client is built only when the table is configured.
 */
@Module(includes = AwsModule.class)
public interface IdempotencyModule {
  @Provides
  @Singleton
  static Optional<IdempotencySettings> idempotencySettings(@Environment Map<String, String> env) {
    return IdempotencySettings.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static Optional<IdempotencyStore> idempotencyStore(
      Optional<IdempotencySettings> settings, AwsClients clients, InvocationDeadline deadline) {
    // The client is built at the first claim: a cold start that runs no idempotent handler never pays for it.
    return settings.map(s -> new IdempotencyStore(
        new OnFirstUse<>(() -> clients.configure(DynamoDbClient.builder(), "DYNAMODB").build()), s, deadline, Clock.systemUTC()));
  }
}
