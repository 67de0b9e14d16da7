package io.cqrssuite.reliability.alarm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Module;
import dagger.Provides;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.entrypoint.Environment;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import java.time.Clock;
import java.util.Map;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The {@link AlarmPublisher} from {@link AlarmSettings}: an SNS client only when {@code SUITE_ALARM_TOPIC_ARN} is
 * set, a DynamoDB counter only when a table is. A function adds this module next to {@code SuiteModule}.
 */
@Module
public interface AlarmModule {
  @Provides
  @Singleton
  static AlarmSettings alarmSettings(@Environment Map<String, String> env) {
    return AlarmSettings.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static AlarmPublisher alarmPublisher(
      AlarmSettings settings, AwsClients clients, ObjectMapper mapper, StructuredLog log, CorrelationContext correlation) {
    SnsClient sns = settings.topicArn() == null ? null : clients.configure(SnsClient.builder(), "SNS").build();
    AlarmCounter counter = settings.table() == null ? null : new AlarmCounter(clients.dynamoDb(), settings.table());
    return new AlarmPublisher(
        sns, settings.topicArn(), counter, settings.window(), settings.source(), mapper, log, Clock.systemUTC(), correlation);
  }
}
