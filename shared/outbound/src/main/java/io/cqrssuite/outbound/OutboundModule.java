package io.cqrssuite.outbound;

import dagger.Module;
import dagger.Provides;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsModule;
import io.cqrssuite.logging.CorrelationContext;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@link OutboundMessages} for a function's component. Its SQS and SNS clients are built on first use, so a
 * function that never sends pays nothing for them at cold start.
 */
@Module(includes = AwsModule.class)
public interface OutboundModule {
  @Provides
  @Singleton
  static OutboundMessages outboundMessages(AwsClients clients, CorrelationContext correlation) {
    return new OutboundMessages(
        () -> clients.configure(SqsClient.builder(), "SQS").build(),
        () -> clients.configure(SnsClient.builder(), "SNS").build(),
        correlation);
  }
}
