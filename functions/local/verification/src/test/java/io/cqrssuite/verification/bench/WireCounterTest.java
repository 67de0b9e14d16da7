package io.cqrssuite.verification.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The relay counts what the bench's cost figures say, against a real PostgreSQL and a real HTTP server. */
class WireCounterTest {
  @Test
  void aJdbcBatchIsOneRoundTripWhateverItsSizeAndEachOfItsRowsAStatement() throws Exception {
    PostgresEngine postgres = TestEngines.postgres();
    try (WireCounter counter = WireCounter.postgres("127.0.0.1", postgres.port());
        Connection connection =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + counter.port() + "/postgres?sslmode=disable", postgres.user(), postgres.password())) {
      connection.setAutoCommit(true);
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TEMPORARY TABLE counted (n int)");
      }
      long[] one = batch(connection, counter, 1);
      long[] fifty = batch(connection, counter, 50);
      assertThat(fifty[0] - one[0]).as("statements").isEqualTo(49);
      assertThat(fifty[1]).as("round trips of a batch of 50").isEqualTo(one[1]);
    }
  }

  @Test
  void eachHttpRequestOnAKeptConnectionIsOneRoundTrip() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = "{\"errors\":false}".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (WireCounter counter = WireCounter.http("127.0.0.1", server.getAddress().getPort())) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + counter.port() + "/index/_bulk"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}\n".repeat(20_000)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("{\"errors\":false}");
      }
      assertThat(counter.roundTrips()).isEqualTo(3);
    } finally {
      server.stop(0);
    }
  }

  /** Statements and round trips of one JDBC batch of {@code rows} inserts and its commit. */
  private static long[] batch(Connection connection, WireCounter counter, int rows) throws Exception {
    connection.setAutoCommit(false);
    long statements = counter.statements();
    long trips = counter.roundTrips();
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO counted (n) VALUES (?)")) {
      for (int i = 0; i < rows; i++) {
        insert.setInt(1, i);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    connection.commit();
    connection.setAutoCommit(true);
    return new long[] {counter.statements() - statements, counter.roundTrips() - trips};
  }
}
