package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.Multibinds;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.bus.BatchEventHandler;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.outbound.OutboundMessages;
import io.cqrssuite.outbound.WorkflowStarts;
import io.cqrssuite.reliability.DeadLetterSettings;
import io.cqrssuite.reliability.DeadLetters;
import io.cqrssuite.reliability.SqsDeadLetters;
import io.cqrssuite.workflow.TaskCallbacks;
import java.util.Map;
import java.util.Set;
import javax.inject.Singleton;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What every function built on the suite needs. A function's component adds this module, binds an
 * {@link io.cqrssuite.factory.EventFactory} and contributes its handlers with {@code @IntoSet}.
 *
 * <p>Environment variables read here: {@code SUITE_UNHANDLED_EVENTS} ({@code fail} | {@code ignore}, default
 * {@code fail}), {@code SUITE_LOG_LEVEL} or {@code POWERTOOLS_LOG_LEVEL} (default {@code INFO}),
 * {@code POWERTOOLS_SERVICE_NAME} or {@code AWS_LAMBDA_FUNCTION_NAME} for the log's {@code service}, and the AWS
 * settings of {@link AwsSettings}, {@code SUITE_DEAD_LETTER_QUEUE_URL} and {@code SUITE_DEAD_LETTER_BUCKET}
 * ({@link DeadLetterSettings}: unset, no dead letters). SDK clients are built on first use, so a function that never
 * answers a task token never pays for a Step Functions client at cold start; the same holds for the SQS and SNS
 * clients of {@link OutboundMessages} and the Step Functions client of {@link WorkflowStarts}.
 */
@Module
public abstract class SuiteModule {
  private SuiteModule() {}

  @Multibinds
  abstract Set<EventHandler<?>> handlers();

  @Multibinds
  abstract Set<BatchEventHandler<?>> batchHandlers();

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

  @Provides
  @Singleton
  static AwsSettings awsSettings(@Environment Map<String, String> env) {
    return AwsSettings.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static AwsClients awsClients(AwsSettings settings) {
    return new AwsClients(settings);
  }

  @Provides
  @Singleton
  static SfnClient stepFunctions(AwsClients clients) {
    return clients.stepFunctions();
  }

  @Provides
  @Singleton
  static DeadLetterSettings deadLetterSettings(@Environment Map<String, String> env) {
    return DeadLetterSettings.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static DeadLetters deadLetters(
      DeadLetterSettings settings, AwsSettings aws, AwsClients clients, ObjectMapper mapper, StructuredLog log) {
    if (!settings.configured()) {
      return DeadLetters.none();
    }
    SqsClient sqs = clients.configure(SqsClient.builder(), "SQS").build();
    if (settings.bucket() == null) {
      return new SqsDeadLetters(sqs, settings.queueUrl(), mapper, log);
    }
    // A local endpoint (LocalStack, S3Mock) names no bucket host: address buckets by path there.
    S3Client s3 =
        clients.configure(S3Client.builder(), "S3").forcePathStyle(aws.endpointFor("S3") != null).build();
    return new SqsDeadLetters(sqs, settings.queueUrl(), s3, settings.bucket(), mapper, log);
  }

  @Provides
  @Singleton
  static OutboundMessages outboundMessages(AwsClients clients, CorrelationContext correlation) {
    return new OutboundMessages(
        () -> clients.configure(SqsClient.builder(), "SQS").build(),
        () -> clients.configure(SnsClient.builder(), "SNS").build(),
        correlation);
  }

  @Provides
  @Singleton
  static WorkflowStarts workflowStarts(Lazy<SfnClient> sfn, ObjectMapper mapper, CorrelationContext correlation) {
    return new WorkflowStarts(sfn::get, mapper, correlation);
  }

  @Provides
  @Singleton
  static TaskCallbacks taskCallbacks(SfnClient sfn, StructuredLog log) {
    return new TaskCallbacks(sfn, log);
  }
}
