package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.Multibinds;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.bus.BatchEventHandler;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.config.Environment;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.retry.RetryModule;
import io.cqrssuite.snapshot.SnapshotParticipant;
import io.cqrssuite.task.TaskCallbacks;
import java.util.Map;
import java.util.Set;
import javax.inject.Singleton;

/**
 * What every function built on the suite needs. A function's component adds this module, binds an
 * {@link io.cqrssuite.factory.EventFactory} and contributes its handlers with {@code @IntoSet}.
 *
 * <p>What the entrypoint hands on is optional: a {@link DeadLetterSink}, an {@link AlarmSink} and
 * {@link TaskCallbacks} are bound by the modules that implement them ({@code cqrs-suite-reliability},
 * {@code cqrs-suite-workflow}). Without a dead-letter sink a permanently failed record is reported as failed, never
 * acknowledged; without task callbacks a record carrying a task token stays failed.
 *
 * <p>Environment variables read here: {@code SUITE_UNHANDLED_EVENTS} ({@code fail} | {@code ignore}, default
 * {@code fail}), {@code SUITE_LOG_LEVEL} or {@code POWERTOOLS_LOG_LEVEL} (default {@code INFO}),
 * {@code POWERTOOLS_SERVICE_NAME} or {@code AWS_LAMBDA_FUNCTION_NAME} for the log's {@code service}, and the retry
 * settings of {@link RetryModule}.
 */
@Module(includes = RetryModule.class)
public abstract class CoreModule {
  private CoreModule() {}

  @Multibinds
  abstract Set<EventHandler<?>> handlers();

  @Multibinds
  abstract Set<BatchEventHandler<?>> batchHandlers();

  /** What the modules have to do around a SnapStart snapshot (io.cqrssuite.snapshot); often nothing. */
  @Multibinds
  abstract Set<SnapshotParticipant> snapshotParticipants();

  @BindsOptionalOf
  abstract DeadLetterSink deadLetterSink();

  @BindsOptionalOf
  abstract AlarmSink alarmSink();

  @BindsOptionalOf
  abstract TaskCallbacks taskCallbacks();

  @Provides
  @Singleton
  static ObjectMapper mapper() {
    return EventJson.newMapper();
  }

  @Provides
  @Singleton
  static StructuredLog log(@Environment Map<String, String> env, CorrelationContext correlation) {
    return StructuredLog.fromEnvironment(env, correlation);
  }

  @Provides
  static UnhandledEvents unhandledEvents(@Environment Map<String, String> env) {
    return UnhandledEvents.parse(env.get("SUITE_UNHANDLED_EVENTS"));
  }
}
