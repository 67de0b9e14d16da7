package io.cqrssuite.reliability.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.fixtures.TestHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The idempotency store and decorator against a real DynamoDB wire protocol (dynalite). The table is created here
 * without TTL (dynalite has no UpdateTimeToLive; the template enables it), so expired records stay and must be
 * recognised on read.
 */
class IdempotentHandlerTest {
  private static final ObjectMapper MAPPER = EventJson.newMapper();
  private static final Duration LIFETIME = Duration.ofHours(504);

  private static LocalDynamoDb dynalite;
  private static DynamoDbClient dynamoDb;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final InvocationDeadline deadline = new InvocationDeadline(clock, Duration.ZERO);
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final StructuredLog log = new StructuredLog("test", new PrintStream(logged, true, StandardCharsets.UTF_8), StructuredLog.Level.DEBUG);
  private final AtomicInteger calls = new AtomicInteger();
  private String table;
  private IdempotencyStore store;

  @BeforeAll
  static void startDynalite() {
    dynalite = LocalDynamoDb.start();
    dynamoDb = LocalDynamoDb.client(dynalite.endpoint());
  }

  @AfterAll
  static void stopDynalite() {
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (dynalite != null) {
      dynalite.close();
    }
  }

  @BeforeEach
  void createTable() {
    table = "idempotency-" + UUID.randomUUID();
    LocalDynamoDb.createTable(dynamoDb, table, "id", null);
    store = new IdempotencyStore(dynamoDb, new IdempotencySettings(table, LIFETIME), deadline, clock);
    deadline.begin(60_000);
  }

  @Test
  void theFirstCallRunsAndStoresItsResultAsCompleted() throws Exception {
    Object result = idempotent(counting("mailer", e -> Map.of("sent", e.body()))).handle(event("m-1", "hello"));

    assertThat(result).isEqualTo(Map.of("sent", "hello"));
    assertThat(calls).hasValue(1);
    Map<String, AttributeValue> item = item("mailer#m-1");
    assertThat(item.get("status").s()).isEqualTo("COMPLETED");
    assertThat(MAPPER.readTree(item.get("result").s())).isEqualTo(MAPPER.readTree("{\"sent\":\"hello\"}"));
    assertThat(Long.parseLong(item.get("expiresAt").n())).isEqualTo(clock.instant().plus(LIFETIME).getEpochSecond());
    assertThat(item).containsKey("updatedAt");
  }

  @Test
  void aRepeatReturnsTheStoredResultAsJsonWithoutRunningTheHandlerAgain() throws Exception {
    EventHandler<SqsMessageEvent> handler = idempotent(counting("mailer", e -> Map.of("sent", e.body())));
    handler.handle(event("m-1", "hello"));
    clock.advance(Duration.ofDays(13));

    Object repeat = handler.handle(event("m-1", "hello"));

    assertThat(calls).as("side effect ran once").hasValue(1);
    assertThat(repeat).isInstanceOf(JsonNode.class);
    assertThat((JsonNode) repeat).isEqualTo(MAPPER.readTree("{\"sent\":\"hello\"}"));
  }

  @Test
  void aNullResultIsRepeatedAsNull() throws Exception {
    EventHandler<SqsMessageEvent> handler = idempotent(counting("mailer", e -> null));
    handler.handle(event("m-1", "hello"));

    assertThat(handler.handle(event("m-1", "hello"))).isNull();
    assertThat(calls).hasValue(1);
  }

  @Test
  void anEventInProgressElsewhereFailsTransientlyWithoutRunning() throws Exception {
    assertThat(store.begin("mailer", "m-1")).as("another invocation claims it").isEmpty();
    clock.advance(Duration.ofSeconds(30));

    assertThatThrownBy(() -> idempotent(counting("mailer", e -> "sent")).handle(event("m-1", "hello")))
        .isInstanceOf(IdempotencyInProgressException.class)
        .satisfies(e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT));
    assertThat(calls).hasValue(0);
    assertThat(item("mailer#m-1").get("status").s()).isEqualTo("IN_PROGRESS");
  }

  @Test
  void theClaimLastsForTheInvocationsRemainingTime() {
    deadline.begin(45_000);
    store.begin("mailer", "m-1");

    assertThat(Long.parseLong(item("mailer#m-1").get("inProgressUntil").n()))
        .as("the invocation's remaining time less the margin kept to answer: a tenth of 45 s")
        .isEqualTo(clock.instant().plusMillis(45_000 - 4_500).toEpochMilli());
  }

  /**
   * Lambda Managed Instances: one store, one deadline object, eight invocations claiming at once on their own
   * threads, each with its own remaining time. Each claim's lease is its own invocation's, never a neighbour's.
   */
  @Test
  void concurrentInvocationsLeaseTheirClaimsForTheirOwnTime() throws Exception {
    int invocations = 8;
    CyclicBarrier allBegun = new CyclicBarrier(invocations);
    ExecutorService threads = Executors.newFixedThreadPool(invocations);
    List<Future<Long>> expected = new ArrayList<>();
    for (int i = 0; i < invocations; i++) {
      long remaining = (i + 1) * 20_000L;
      String eventId = "c-" + i;
      expected.add(threads.submit(() -> {
        deadline.begin(remaining);
        try {
          allBegun.await(); // every invocation has begun before any claims
          long lease = clock.instant().plus(deadline.remaining()).toEpochMilli();
          store.begin("mailer", eventId);
          return lease;
        } finally {
          deadline.end();
        }
      }));
    }
    threads.shutdown();
    Set<Long> leases = new HashSet<>();
    for (int i = 0; i < invocations; i++) {
      long lease = expected.get(i).get(30, TimeUnit.SECONDS);
      assertThat(Long.parseLong(item("mailer#c-" + i).get("inProgressUntil").n())).as("claim c-%d", i).isEqualTo(lease);
      leases.add(lease);
    }
    assertThat(leases).as("eight invocations, eight different leases").hasSize(invocations);
  }

  @Test
  void aClaimWhoseInvocationRanOutIsTakenOverAndRunsAgain() throws Exception {
    deadline.begin(10_000);
    store.begin("mailer", "m-1");
    clock.advance(Duration.ofSeconds(11));
    deadline.begin(60_000);

    Object result = idempotent(counting("mailer", e -> "sent")).handle(event("m-1", "hello"));

    assertThat(result).isEqualTo("sent");
    assertThat(calls).hasValue(1);
    assertThat(item("mailer#m-1").get("status").s()).isEqualTo("COMPLETED");
  }

  @Test
  void anExpiredCompletedRecordThatTtlHasNotDeletedYetCountsAsAbsent() throws Exception {
    EventHandler<SqsMessageEvent> handler = idempotent(counting("mailer", e -> "sent #" + calls.get()));
    handler.handle(event("m-1", "hello"));
    clock.advance(LIFETIME.plusSeconds(2));

    Object again = handler.handle(event("m-1", "hello"));

    assertThat(calls).hasValue(2);
    assertThat(again).isEqualTo("sent #2");
    assertThat(Long.parseLong(item("mailer#m-1").get("expiresAt").n()))
        .as("a fresh lifetime").isEqualTo(clock.instant().plus(LIFETIME).getEpochSecond());
  }

  @Test
  void anExpiredRecordFoundOnReadIsReclaimed() {
    // The conditional put and the read disagree only in a race; the read must still treat expiry as absence.
    Instant now = clock.instant();
    dynamoDb.putItem(r -> r.tableName(table).item(Map.of(
        "id", AttributeValue.builder().s("mailer#m-1").build(),
        "status", AttributeValue.builder().s("COMPLETED").build(),
        "result", AttributeValue.builder().s("\"old\"").build(),
        "expiresAt", AttributeValue.builder().n(Long.toString(now.getEpochSecond() - 1)).build())));

    assertThat(store.begin("mailer", "m-1")).isEmpty();
    assertThat(item("mailer#m-1").get("status").s()).isEqualTo("IN_PROGRESS");
  }

  @Test
  void aFailedCallReleasesItsClaimSoTheRetryRunsAgain() throws Exception {
    EventHandler<SqsMessageEvent> handler = idempotent(counting("mailer", e -> {
      if (calls.get() == 1) {
        throw new TransientException("SMTP server busy");
      }
      return "sent";
    }));

    assertThatThrownBy(() -> handler.handle(event("m-1", "hello"))).hasMessage("SMTP server busy");
    assertThat(item("mailer#m-1")).as("record removed").isEmpty();

    assertThat(handler.handle(event("m-1", "hello"))).isEqualTo("sent");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aPermanentFailurePropagatesUnchangedAsPermanent() {
    PermanentException poison = new PermanentException("no recipient address");
    EventHandler<SqsMessageEvent> handler = idempotent(counting("mailer", e -> {
      throw poison;
    }));

    assertThatThrownBy(() -> handler.handle(event("m-1", "hello")))
        .isSameAs(poison)
        .satisfies(e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.PERMANENT));
    assertThat(item("mailer#m-1")).isEmpty();
  }

  @Test
  void differentHandlersOfTheSameEventAreIndependent() throws Exception {
    AtomicInteger auditCalls = new AtomicInteger();
    EventHandler<SqsMessageEvent> mailer = idempotent(counting("mailer", e -> "mailed"));
    EventHandler<SqsMessageEvent> audit = idempotent(TestHandler.of("audit", SqsMessageEvent.class, e -> {
      auditCalls.incrementAndGet();
      return "audited";
    }));

    assertThat(mailer.handle(event("m-1", "hello"))).isEqualTo("mailed");
    assertThat(audit.handle(event("m-1", "hello"))).isEqualTo("audited");
    assertThat(mailer.handle(event("m-2", "other"))).isEqualTo("mailed");

    assertThat(calls).hasValue(2);
    assertThat(auditCalls).hasValue(1);
    assertThat(mailer.name()).isEqualTo("mailer");
    assertThat(mailer.eventType()).isEqualTo(SqsMessageEvent.class);
  }

  @Test
  void anUnreachableStoreFailsTransientlyAndTheHandlerDoesNotRun() {
    try (DynamoDbClient unreachable = LocalDynamoDb.client(java.net.URI.create("http://127.0.0.1:" + closedPort()))) {
      IdempotencyStore down = new IdempotencyStore(unreachable, new IdempotencySettings(table, LIFETIME), deadline, clock);
      EventHandler<SqsMessageEvent> handler = new IdempotentHandler<>(counting("mailer", e -> "sent"), down, MAPPER, log);

      assertThatThrownBy(() -> handler.handle(event("m-1", "hello")))
          .isInstanceOf(IdempotencyStoreException.class)
          .hasMessageContaining("mailer#m-1")
          .satisfies(e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT));
      assertThat(calls).hasValue(0);
    }
  }

  @Test
  void aStoppedStoreFailsTransientlyAndTheHandlerDoesNotRun() throws Exception {
    try (LocalDynamoDb own = LocalDynamoDb.start(); DynamoDbClient client = LocalDynamoDb.client(own.endpoint())) {
      LocalDynamoDb.createTable(client, "idempotency", "id", null);
      IdempotencyStore doomed = new IdempotencyStore(client, new IdempotencySettings("idempotency", LIFETIME), deadline, clock);
      EventHandler<SqsMessageEvent> handler = new IdempotentHandler<>(counting("mailer", e -> "sent"), doomed, MAPPER, log);
      assertThat(handler.handle(event("m-1", "hello"))).isEqualTo("sent");

      own.close();

      assertThatThrownBy(() -> handler.handle(event("m-2", "hello")))
          .isInstanceOf(IdempotencyStoreException.class)
          .satisfies(e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT));
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void aResultThatCannotBeRecordedIsStillReturnedAndLogged() throws Exception {
    EventHandler<SqsMessageEvent> handler = idempotent(counting("mailer", e -> {
      dynamoDb.deleteTable(r -> r.tableName(table));
      return "sent";
    }));

    assertThat(handler.handle(event("m-1", "hello"))).isEqualTo("sent");
    assertThat(logged.toString(StandardCharsets.UTF_8)).contains("idempotency result not recorded").contains("m-1");
  }

  @Test
  void settingsComeFromTheEnvironment() {
    assertThat(IdempotencySettings.fromEnvironment(Map.of())).isEmpty();
    assertThat(IdempotencySettings.fromEnvironment(Map.of("SUITE_IDEMPOTENCY_TABLE", "t")))
        .contains(new IdempotencySettings("t", Duration.ofDays(21)));
    assertThat(IdempotencySettings.fromEnvironment(Map.of("SUITE_IDEMPOTENCY_TABLE", "t", "SUITE_IDEMPOTENCY_TTL_HOURS", "400")))
        .map(IdempotencySettings::recordLifetime).contains(Duration.ofHours(400));
    assertThatThrownBy(() -> IdempotencySettings.fromEnvironment(Map.of("SUITE_IDEMPOTENCY_TABLE", "t", "SUITE_IDEMPOTENCY_TTL_HOURS", "0")))
        .hasMessageContaining("SUITE_IDEMPOTENCY_TTL_HOURS");
    assertThat(IdempotencyModule.idempotencySettings(Map.of())).isEqualTo(Optional.empty());
  }

  private EventHandler<SqsMessageEvent> idempotent(EventHandler<SqsMessageEvent> handler) {
    return new IdempotentHandler<>(handler, store, MAPPER, log);
  }

  private TestHandler<SqsMessageEvent> counting(String name, TestHandler.Body<SqsMessageEvent> body) {
    return TestHandler.of(name, SqsMessageEvent.class, e -> {
      calls.incrementAndGet();
      return body.apply(e);
    });
  }

  private Map<String, AttributeValue> item(String id) {
    return dynamoDb.getItem(r -> r.tableName(table).key(Map.of("id", AttributeValue.builder().s(id).build())).consistentRead(true)).item();
  }

  private static SqsMessageEvent event(String messageId, String body) {
    return new SqsMessageEvent(messageId, body, Map.of(), Map.of(), "arn:aws:sqs:us-east-1:123456789012:mail", "us-east-1", null);
  }

  private static int closedPort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A clock the test moves by hand, shared by the store and the invocation deadline. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

}
