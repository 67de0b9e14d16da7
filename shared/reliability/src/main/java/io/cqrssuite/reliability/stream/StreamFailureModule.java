package io.cqrssuite.reliability.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Module;
import io.cqrssuite.aws.AwsModule;
import io.cqrssuite.reliability.alarm.AlarmModule;
import io.cqrssuite.reliability.deadletter.DeadLetterModule;
import dagger.Provides;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.reliability.alarm.AlarmPublisher;
import java.time.Clock;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The {@link StreamFailureConsumer} of a function that reads a stream mapping's on-failure queue: the Streams client
 * as every suite client is built (endpoint override {@code AWS_ENDPOINT_URL}, there being no per-service variable
 * for Streams in {@code AwsSettings}), the dead letters of {@link DeadLetterModule} and the alarms of {@link AlarmModule}.
 */
@Module(includes = {AwsModule.class, DeadLetterModule.class, AlarmModule.class})
interface StreamFailureModule {
  @Provides
  @Singleton
  static DynamoDbStreamsClient dynamoDbStreams(AwsClients clients) {
    return clients.configureWithSdkRetries(DynamoDbStreamsClient.builder(), "DYNAMODB_STREAMS").build();
  }

  @Provides
  @Singleton
  static StreamFailureConsumer streamFailureConsumer(
      DynamoDbStreamsClient streams, DeadLetterSink deadLetters, AlarmPublisher alarms, ObjectMapper mapper, StructuredLog log) {
    StreamFailureResolver resolver = new StreamFailureResolver(streams, new StreamRecordJson(mapper.getNodeFactory()));
    return new StreamFailureConsumer(resolver, deadLetters, alarms, mapper, log, Clock.systemUTC());
  }
}
