package io.cqrssuite.verification.chaos;

import io.cqrssuite.testing.polling.Eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link TcpFaultProxy} between the PostgreSQL JDBC driver and a real PostgreSQL server. */
class TcpFaultProxyTest {
  private static final FaultPlan RESET_AFTER = new FaultPlan(0, 1, 0, 0, 0, 1);
  private static final FaultPlan RESET_BEFORE = new FaultPlan(1, 0, 0, 0, 0, 1);

  private final PostgresEngine postgres = TestEngines.postgres();

  @Test
  void withoutFaultsQueriesAndBatchInsertsWorkUnchanged() throws Exception {
    String table = table();
    try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", postgres.port(), FaultPlan.none());
        Connection connection = throughProxy(proxy)) {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
        for (int id = 1; id <= 2000; id++) {
          insert.setInt(1, id);
          insert.setString(2, "row " + id + " " + "x".repeat(id % 50));
          insert.addBatch();
        }
        assertThat(insert.executeBatch()).hasSize(2000).containsOnly(1);
      }
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT id, name FROM " + table + " ORDER BY id")) {
        int expected = 0;
        while (rows.next()) {
          expected++;
          assertThat(rows.getInt(1)).isEqualTo(expected);
          assertThat(rows.getString(2)).isEqualTo("row " + expected + " " + "x".repeat(expected % 50));
        }
        assertThat(expected).isEqualTo(2000);
      }
      FaultCounts counts = proxy.counts();
      assertThat(counts.connections()).isEqualTo(1);
      assertThat(counts.forwarded()).isPositive();
      assertThat(counts.resets() + counts.stalls() + counts.errors503()).isZero();
    }
  }

  @Test
  void anOutageFailsTheConnectionWithATransientConnectionState() throws Exception {
    try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", postgres.port(), FaultPlan.outage())) {
      assertThatThrownBy(() -> throughProxy(proxy).close())
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getSQLState()).startsWith("08");
                assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT);
              });
      assertThat(proxy.counts().resets()).isPositive();
      assertThat(proxy.counts().forwarded()).isZero();

      proxy.plan(FaultPlan.none()); // the outage ends: new connections work again
      try (Connection connection = throughProxy(proxy)) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
  }

  @Test
  void aResetAfterForwardingLosesTheAnswerOfACommittedInsert() throws Exception {
    String table = table();
    try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", postgres.port(), FaultPlan.none());
        Connection connection = throughProxy(proxy);
        PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (1, 'committed')")) {
      proxy.plan(RESET_AFTER);

      assertThatThrownBy(insert::executeUpdate)
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"));

      // The client saw a failure, yet the row is there: a blind retry would now meet a duplicate key. This is the
      // case the version-guarded upserts absorb.
      assertThat(rowsIn(table)).isEqualTo(1);
      proxy.plan(FaultPlan.none());
      try (Connection retry = throughProxy(proxy);
          Statement statement = retry.createStatement()) {
        assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO " + table + " VALUES (1, 'retried')"))
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
      }
      assertThat(proxy.counts().resets()).isEqualTo(1);
    }
  }

  @Test
  void aResetBeforeForwardingLosesTheStatementBeforeItRuns() throws Exception {
    String table = table();
    try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", postgres.port(), FaultPlan.none());
        Connection connection = throughProxy(proxy);
        Statement statement = connection.createStatement()) {
      proxy.plan(RESET_BEFORE);

      assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO " + table + " VALUES (1, 'lost')"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"));
      assertThat(connection.isValid(1)).isFalse();
      assertThat(rowsIn(table)).isZero();
    }
  }

  @Test
  void stallsSlowQueriesDownWithoutChangingTheirResults() throws Exception {
    try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", postgres.port(), FaultPlan.none());
        Connection connection = throughProxy(proxy);
        Statement statement = connection.createStatement()) {
      proxy.plan(new FaultPlan(0, 0, 1, 100, 0, 5));
      long started = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        try (ResultSet result = statement.executeQuery("SELECT 40 + " + i)) {
          assertThat(result.next()).isTrue();
          assertThat(result.getInt(1)).isEqualTo(40 + i);
        }
      }
      // Each query is at least one chunk toward the server, each stall at least half the planned 100 ms.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
      assertThat(proxy.counts().stalls()).isGreaterThanOrEqualTo(3);
      assertThat(proxy.counts().resets()).isZero();
    }
  }

  @Test
  void aResetIsAnRstOnBothSidesNotAnOrderlyClose() throws Exception {
    try (EchoServer upstream = new EchoServer();
        TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", upstream.port(), FaultPlan.none());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");

      proxy.plan(FaultPlan.outage());
      client.getOutputStream().write("lost".getBytes(StandardCharsets.US_ASCII));

      assertThatThrownBy(() -> client.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
      assertThat(upstream.nextEnding()).isEqualTo("reset");
    }
  }

  @Test
  void anOrderlyCloseStaysOrderlyOnBothSides() throws Exception {
    try (EchoServer upstream = new EchoServer();
        TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", upstream.port(), FaultPlan.none());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();

      // The echo of the half-closed client still arrives, then the end of stream.
      assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("last words");
      assertThat(upstream.nextEnding()).isEqualTo("eof");
      Eventually.await("the link ends", Duration.ofSeconds(5), () -> proxy.liveConnections() == 0);
    }
  }

  @Test
  void closeReleasesThePortTheThreadsAndEveryConnection() throws Exception {
    long descriptorsBefore = Leaks.openFileDescriptors();
    Socket held;
    int port;
    String threadPrefix;
    try (EchoServer upstream = new EchoServer()) {
      TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", upstream.port(), FaultPlan.none());
      port = proxy.port();
      threadPrefix = "tcp-fault-proxy-" + port + "-";
      for (int i = 0; i < 200; i++) {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
          client.getOutputStream().write(i % 256);
          assertThat(client.getInputStream().read()).isEqualTo(i % 256);
        }
      }
      Eventually.await("200 short connections end", Duration.ofSeconds(5), () -> proxy.liveConnections() == 0);
      // The pool reuses its threads: short connections one after the other need a handful, not 400.
      assertThat(Leaks.threadsNamed(threadPrefix)).isLessThan(20);

      held = new Socket(InetAddress.getLoopbackAddress(), port);
      held.getOutputStream().write(1);
      assertThat(held.getInputStream().read()).isEqualTo(1);
      proxy.close();

      assertThatThrownBy(() -> held.getInputStream().read()).isInstanceOf(IOException.class);
      held.close();
      assertThat(proxy.liveConnections()).isZero();
      Eventually.await("the proxy's threads end", Duration.ofSeconds(5), () -> Leaks.threadsNamed(threadPrefix) == 0);
      assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
          .isInstanceOf(ConnectException.class);
    }
    if (descriptorsBefore >= 0) {
      // 200 leaked connections would leave hundreds of sockets open; a few may belong to other threads of the JVM.
      assertThat(Leaks.openFileDescriptors()).isLessThan(descriptorsBefore + 30);
    }
  }

  private Connection throughProxy(TcpFaultProxy proxy) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", postgres.user());
    properties.setProperty("password", postgres.password());
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("socketTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/suite", properties);
  }

  private String table() throws SQLException {
    String table = "chaos_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection = direct();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text NOT NULL)");
    }
    return table;
  }

  private long rowsIn(String table) throws SQLException {
    try (Connection connection = direct();
        Statement statement = connection.createStatement();
        ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
      count.next();
      return count.getLong(1);
    }
  }

  private Connection direct() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }
}
