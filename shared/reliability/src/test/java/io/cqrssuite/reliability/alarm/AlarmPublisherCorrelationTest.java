package io.cqrssuite.reliability.alarm;

import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.Severity;
import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sns.SnsClient;

/** The correlation id on a published alarm, as the SDK puts it on the wire to SNS. */
class AlarmPublisherCorrelationTest {
  private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:suite-alarms";

  private final CorrelationContext correlation = new CorrelationContext();
  private final FakeSns sns;
  private final SnsClient client;
  private final AlarmPublisher publisher;

  AlarmPublisherCorrelationTest() throws Exception {
    sns = new FakeSns();
    client = new AwsClients(new AwsSettings("us-east-1", Map.of("SNS", sns.endpoint()), null, 1, Duration.ofSeconds(5)))
        .configure(SnsClient.builder(), "SNS")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
    StructuredLog log =
        new StructuredLog("alarm-test", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), StructuredLog.Level.INFO);
    publisher = new AlarmPublisher(client, TOPIC, null, Duration.ofMinutes(5), "catalog", EventJson.newMapper(), log, Clock.systemUTC(), correlation);
  }

  @AfterEach
  void stop() {
    client.close();
    sns.close();
  }

  private static Alarm poison(String... eventIds) {
    return new Alarm(Severity.ERROR, "catalog", "orders", "io.cqrssuite.failure.PermanentException", "no items", List.of(eventIds), eventIds.length);
  }

  @Test
  void anAlarmRaisedInsideAScopeCarriesItsId() {
    try (CorrelationContext.Scope scope = correlation.open("req-alarm")) {
      publisher.raise(List.of(poison("e-1")));
    }

    assertThat(sns.requests()).hasSize(1);
    assertThat(sns.requests().get(0).params())
        .containsEntry("MessageAttributes.entry.1.Name", "correlationId")
        .containsEntry("MessageAttributes.entry.1.Value.DataType", "String")
        .containsEntry("MessageAttributes.entry.1.Value.StringValue", "req-alarm");
  }

  @Test
  void outsideAScopeAnAlarmCarriesItsFirstEventIdAsARecordWithoutOneWould() {
    publisher.raise(List.of(poison("e-7", "e-8")));

    assertThat(sns.requests().get(0).params()).containsEntry("MessageAttributes.entry.1.Value.StringValue", "e-7");
  }
}
