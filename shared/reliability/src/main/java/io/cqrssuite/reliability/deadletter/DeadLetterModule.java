package io.cqrssuite.reliability.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Module;
import dagger.Provides;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsModule;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.aws.internal.OnFirstUse;
import io.cqrssuite.config.Environment;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.logging.StructuredLog;
import java.util.Map;
import javax.inject.Singleton;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Dead letters for a function's component: binds the core's {@link DeadLetterSink} to {@link SqsDeadLetters} when
 * {@code SUITE_DEAD_LETTER_QUEUE_URL} is set ({@link DeadLetterSettings}), else to {@link DeadLetterSink#none()}, so a
 * permanent failure stays failed rather than being acknowledged unstored.
 */
@Module(includes = AwsModule.class)
public interface DeadLetterModule {
  @Provides
  @Singleton
  static DeadLetterSettings deadLetterSettings(@Environment Map<String, String> env) {
    return DeadLetterSettings.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static DeadLetterSink deadLetters(
      DeadLetterSettings settings, AwsSettings aws, AwsClients clients, ObjectMapper mapper, StructuredLog log) {
    if (!settings.configured()) {
      return DeadLetterSink.none();
    }
    // The SQS and S3 clients are built at the first dead letter, not at init.
    return new DeadLettersOnFirstWrite(new OnFirstUse<>(() -> sqsDeadLetters(settings, aws, clients, mapper, log)));
  }

  private static DeadLetterSink sqsDeadLetters(
      DeadLetterSettings settings, AwsSettings aws, AwsClients clients, ObjectMapper mapper, StructuredLog log) {
    SqsClient sqs = clients.configureWithSdkRetries(SqsClient.builder(), "SQS").build();
    if (settings.bucket() == null) {
      return new SqsDeadLetters(sqs, settings.queueUrl(), mapper, log);
    }
    // A local endpoint (LocalStack, S3Mock) names no bucket host: address buckets by path there.
    S3Client s3 =
        clients.configureWithSdkRetries(S3Client.builder(), "S3").forcePathStyle(aws.endpointFor("S3") != null).build();
    return new SqsDeadLetters(sqs, settings.queueUrl(), s3, settings.bucket(), mapper, log);
  }
}
