package io.cqrssuite.reliability.alarm;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Lazy;
import dagger.Module;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.aws.AwsModule;
import dagger.Provides;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.config.Environment;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import java.time.Clock;
import java.util.Map;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The {@link AlarmPublisher} from {@link AlarmSettings}: an SNS client only when {@code SUITE_ALARM_TOPIC_ARN} is
 * set, a DynamoDB counter only when a table is. It binds the core's {@link AlarmSink}, so the
 * entrypoint raises alarms for dead-lettered records.
 */
@Module(includes = AwsModule.class)
public interface AlarmModule {
  @Provides
  @Singleton
  static AlarmSettings alarmSettings(@Environment Map<String, String> env) {
    return AlarmSettings.fromEnvironment(env);
  }

  /** The publisher, and with it its SNS and counter clients, is built at the first alarm, not at init. */
  @Provides
  @Singleton
  static AlarmSink alarmSink(AlarmSettings settings, Lazy<AlarmPublisher> publisher) {
    return new AlarmsOnFirstRaise(settings.source(), publisher::get);
  }

  @Provides
  @Singleton
  static AlarmPublisher alarmPublisher(
      AlarmSettings settings, AwsClients clients, ObjectMapper mapper, StructuredLog log, CorrelationContext correlation) {
    SnsClient sns = settings.topicArn() == null ? null : clients.configureWithSdkRetries(SnsClient.builder(), "SNS").build();
    AlarmCounter counter = settings.table() == null ? null : new AlarmCounter(clients.configureWithSdkRetries(DynamoDbClient.builder(), "DYNAMODB").build(), settings.table());
    return new AlarmPublisher(
        sns, settings.topicArn(), counter, settings.window(), settings.source(), mapper, log, Clock.systemUTC(), correlation);
  }
}
