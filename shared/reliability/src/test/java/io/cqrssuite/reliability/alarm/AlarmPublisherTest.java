package io.cqrssuite.reliability.alarm;

import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.Severity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Alarm publishing and de-duplication against real wire protocols: dynalite for the DynamoDB counters and a fake
 * SNS endpoint that records each request the SDK sends.
 */
class AlarmPublisherTest {
  private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:suite-alarms";
  private static final Duration WINDOW = Duration.ofMinutes(5);
  private static final Instant START = Instant.parse("2026-11-25T12:01:00Z");

  private static LocalDynamoDb dynalite;
  private static int tables;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final StructuredLog log =
      new StructuredLog("alarm-test", new PrintStream(logBytes, true, StandardCharsets.UTF_8), StructuredLog.Level.DEBUG);
  private final MutableClock clock = new MutableClock(START);
  private FakeSns sns;
  private SnsClient snsClient;
  private String table;
  private final List<DynamoDbClient> dynamoClients = new ArrayList<>();

  @BeforeAll
  static void startDynalite() {
    dynalite = LocalDynamoDb.start();
  }

  @AfterAll
  static void stopDynalite() {
    if (dynalite != null) {
      dynalite.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    sns = new FakeSns();
    AwsSettings settings = new AwsSettings("us-east-1", Map.of("SNS", sns.endpoint()), null, 1, Duration.ofSeconds(5));
    snsClient = new AwsClients(settings)
        .configure(SnsClient.builder(), "SNS")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
    table = "alarms-" + (++tables);
    try (DynamoDbClient admin = LocalDynamoDb.client(dynalite.endpoint())) {
      LocalDynamoDb.createTable(admin, table, "id", null);
    }
  }

  @AfterEach
  void tearDown() {
    snsClient.close();
    sns.close();
    dynamoClients.forEach(DynamoDbClient::close);
  }

  /** One container: its own DynamoDB client and counter, sharing the table and the clock. */
  private AlarmPublisher container() {
    DynamoDbClient client = LocalDynamoDb.client(dynalite.endpoint());
    dynamoClients.add(client);
    return new AlarmPublisher(snsClient, TOPIC, new AlarmCounter(client, table), WINDOW, "catalog", mapper, log, clock);
  }

  private static Alarm poison(String eventId) {
    return new Alarm(
        Severity.ERROR, "catalog", "orders", "io.cqrssuite.failure.PermanentException", "order has no items", List.of(eventId), 1);
  }

  private List<FakeSns.Request> publishes(int expected) {
    // Raising is synchronous, so the requests are there; the deadline only guards against a miscount.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (sns.requests().size() < expected && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return sns.requests();
  }

  private JsonNode body(FakeSns.Request request) throws Exception {
    return mapper.readTree(request.message());
  }

  @Test
  void sendsAPublishRequestInTheSnsProtocol() throws Exception {
    AlarmPublisher publisher = new AlarmPublisher(snsClient, TOPIC, null, WINDOW, "catalog", mapper, log, clock);

    publisher.raise(List.of(poison("e-1")));

    List<FakeSns.Request> requests = publishes(1);
    assertThat(requests).hasSize(1);
    FakeSns.Request request = requests.get(0);
    assertThat(request.method()).isEqualTo("POST");
    // SDK 2.57.8 speaks the AWS Query protocol to SNS: a form-encoded POST, answered in XML.
    assertThat(request.headers().get("content-type")).startsWith("application/x-www-form-urlencoded");
    assertThat(request.headers()).doesNotContainKey("x-amz-target");
    assertThat(request.params())
        .containsEntry("Action", "Publish")
        .containsEntry("Version", "2010-03-31")
        .containsEntry("TopicArn", TOPIC);
    assertThat(request.subject()).isEqualTo("[ERROR] catalog: PermanentException in orders (1) - order has no items");
    JsonNode body = body(request);
    assertThat(body.get("severity").textValue()).isEqualTo("ERROR");
    assertThat(body.get("handler").textValue()).isEqualTo("orders");
    assertThat(body.get("errorClass").textValue()).isEqualTo("io.cqrssuite.failure.PermanentException");
    assertThat(body.get("errorMessage").textValue()).isEqualTo("order has no items");
    assertThat(body.get("eventIds").get(0).textValue()).isEqualTo("e-1");
    assertThat(body.get("windowStart").textValue()).isEqualTo("2026-11-25T12:00:00Z");
    assertThat(body.get("windowEnd").textValue()).isEqualTo("2026-11-25T12:05:00Z");
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("alarm published");
  }

  @Test
  void aPoisonStormAcrossContainersSendsOneAlarmAndTheNextWindowReportsTheRestSuppressed() throws Exception {
    List<AlarmPublisher> containers = List.of(container(), container(), container(), container(), container());
    ExecutorService pool = Executors.newFixedThreadPool(containers.size());
    try {
      List<Callable<Void>> raises = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        AlarmPublisher container = containers.get(i % containers.size());
        String id = "poison-" + i;
        raises.add(() -> {
          container.raise(List.of(poison(id)));
          return null;
        });
      }
      for (Future<Void> done : pool.invokeAll(raises, 60, TimeUnit.SECONDS)) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(publishes(1)).hasSize(1);
    assertThat(body(sns.requests().get(0)).get("suppressedInPreviousWindow").longValue()).isZero();

    clock.set(START.plus(WINDOW));
    containers.get(3).raise(List.of(poison("poison-50")));
    containers.get(1).raise(List.of(poison("poison-51")));

    List<FakeSns.Request> requests = publishes(2);
    assertThat(requests).hasSize(2);
    JsonNode next = body(requests.get(1));
    assertThat(next.get("suppressedInPreviousWindow").longValue()).isEqualTo(49);
    assertThat(next.get("eventIds").get(0).textValue()).isEqualTo("poison-50");
    assertThat(next.get("windowStart").textValue()).isEqualTo("2026-11-25T12:05:00Z");
  }

  @Test
  void differentFailuresAreNotSuppressedByEachOther() {
    AlarmPublisher publisher = container();
    Alarm other = new Alarm(Severity.ERROR, "catalog", "stock", "java.lang.IllegalArgumentException", "bad", List.of("s-1"), 1);

    publisher.raise(List.of(poison("e-1"), other));
    publisher.raise(List.of(poison("e-2"), other));

    assertThat(publishes(2)).hasSize(2);
    assertThat(sns.requests()).extracting(FakeSns.Request::subject).anyMatch(s -> s.contains(" in stock "));
  }

  @Test
  void anSnsFailureIsLoggedAndNeverThrown() {
    sns.failWith(500);
    AlarmPublisher publisher = new AlarmPublisher(snsClient, TOPIC, null, WINDOW, "catalog", mapper, log, clock);

    assertThatCode(() -> publisher.raise(List.of(poison("e-1")))).doesNotThrowAnyException();

    assertThat(publishes(1)).hasSize(1);
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("alarm could not be published to SNS");
  }

  @Test
  void anUnreachableCounterTableStillSendsTheAlarm() {
    DynamoDbClient client = LocalDynamoDb.client(dynalite.endpoint());
    dynamoClients.add(client);
    AlarmPublisher publisher =
        new AlarmPublisher(snsClient, TOPIC, new AlarmCounter(client, "no-such-table"), WINDOW, "catalog", mapper, log, clock);

    assertThatCode(() -> publisher.raise(List.of(poison("e-1")))).doesNotThrowAnyException();

    assertThat(publishes(1)).hasSize(1);
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("alarm counter unavailable");
  }

  @Test
  void withoutATableEachInvocationPublishesOncePerFingerprint() throws Exception {
    AlarmPublisher publisher = new AlarmPublisher(snsClient, TOPIC, null, WINDOW, "catalog", mapper, log, clock);

    publisher.raise(List.of(poison("a-1"), poison("a-2"), poison("a-3")));
    publisher.raise(List.of(poison("b-1"), poison("b-2")));

    List<FakeSns.Request> requests = publishes(2);
    assertThat(requests).hasSize(2);
    JsonNode first = body(requests.get(0));
    assertThat(first.get("count").intValue()).isEqualTo(3);
    assertThat(first.get("eventIds")).hasSize(3);
    assertThat(requests.get(0).subject()).contains("(3)");
    assertThat(body(requests.get(1)).get("count").intValue()).isEqualTo(2);
    assertThat(body(requests.get(1)).get("deduplicated").booleanValue()).isFalse();
  }

  @Test
  void withoutATopicAlarmsAreOnlyLogged() {
    AlarmPublisher publisher = new AlarmPublisher(snsClient, null, null, WINDOW, "catalog", mapper, log, clock);

    publisher.raise(List.of(poison("e-1")));

    assertThat(sns.requests()).isEmpty();
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("\"message\":\"alarm\"").contains("e-1");
  }

  @Test
  void longMessagesAreTruncatedInTheBody() throws Exception {
    AlarmPublisher publisher = new AlarmPublisher(snsClient, TOPIC, null, WINDOW, "catalog", mapper, log, clock);
    Alarm alarm = new Alarm(Severity.ERROR, "catalog", "orders", "X", "m".repeat(5_000), List.of("e-1"), 1);

    publisher.raise(List.of(alarm));

    assertThat(body(publishes(1).get(0)).get("errorMessage").textValue()).hasSize(AlarmPublisher.MAX_MESSAGE_CHARS + 3);
  }

  @Test
  void settingsComeFromTheEnvironment() {
    AlarmSettings settings = AlarmSettings.fromEnvironment(Map.of(
        "SUITE_ALARM_TOPIC_ARN", TOPIC, "SUITE_IDEMPOTENCY_TABLE", "idem", "SUITE_ALARM_WINDOW_SECONDS", "60",
        "AWS_LAMBDA_FUNCTION_NAME", "catalog-fn"));
    assertThat(settings).isEqualTo(new AlarmSettings(TOPIC, "idem", Duration.ofSeconds(60), "catalog-fn"));
    assertThat(AlarmSettings.fromEnvironment(Map.of("SUITE_ALARM_TABLE", "a", "SUITE_IDEMPOTENCY_TABLE", "idem")).table())
        .isEqualTo("a");
    assertThat(AlarmSettings.fromEnvironment(Map.of()).window()).isEqualTo(AlarmSettings.DEFAULT_WINDOW);
    assertThat(AlarmSettings.fromEnvironment(Map.of()).topicArn()).isNull();
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
