package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.testing.engine.MariaDbEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A password rotated in Secrets Manager, met by a real MariaDB that refuses the cached one (SQLState 28000): the
 * connect (and a migration) reads the secret again once and goes on with the new password. The secret comes from
 * a server on 127.0.0.1 speaking Secrets Manager's JSON protocol, which counts the reads.
 */
class SecretRotationTest {
  private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-db-AbCdEf";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MariaDbEngine engine = TestEngines.mariaDb();
  private final String user = "rotating_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final AtomicInteger reads = new AtomicInteger();
  private volatile String secretPassword;
  private HttpServer secrets;
  private SecretsManagerClient client;

  @BeforeEach
  void start() throws Exception {
    secrets = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    secrets.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        reads.incrementAndGet();
        String secretString =
            JSON.createObjectNode().put("username", user).put("password", secretPassword).toString();
        byte[] body =
            JSON.createObjectNode().put("ARN", ARN).put("Name", "catalog-db").put("SecretString", secretString)
                .toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(
            "secretsmanager.GetSecretValue".equals(exchange.getRequestHeaders().getFirst("X-Amz-Target")) ? 200 : 400,
            body.length);
        exchange.getResponseBody().write(body);
      }
    });
    secrets.start();
    client =
        new AwsClients(
                AwsSettings.fromEnvironment(
                    Map.of("AWS_ENDPOINT_URL_SECRETSMANAGER", "http://127.0.0.1:" + secrets.getAddress().getPort())))
            .configure(SecretsManagerClient.builder(), "SECRETSMANAGER")
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
            .build();
    asRoot("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'first-password'");
    asRoot("GRANT ALL ON *.* TO '" + user + "'@'%'");
  }

  @AfterEach
  void stop() throws SQLException {
    client.close();
    secrets.stop(0);
    asRoot("DROP USER IF EXISTS '" + user + "'@'%'");
  }

  private SecretsManagerPassword source() {
    return new SecretsManagerPassword(client, ARN, Duration.ofMinutes(5), Clock.systemUTC());
  }

  @Test
  void aRefusedLoginReadsTheRotatedSecretOnceAndConnects() throws Exception {
    secretPassword = "first-password";
    try (RdsConnections connections =
        new RdsConnections(new MariaDbDialect(), engine.jdbcUrl(), "configured_user", source())) {
      try (RdsConnections.Lease lease = connections.borrow()) {
        assertThat(currentUser(lease.connection())).startsWith(user + "@");
        assertThat(reads).hasValue(1);
        rotateTo("second-password");
        lease.evict();
      }

      try (RdsConnections.Lease lease = connections.borrow()) {
        assertThat(currentUser(lease.connection())).startsWith(user + "@");
      }
      assertThat(reads).as("the cached password, refused, then the secret read once more").hasValue(2);
    }
  }

  @Test
  void aPasswordThatStaysWrongIsReadAgainOncePerConnectAndTheRefusalReported() {
    secretPassword = "not-the-password";
    try (RdsConnections connections =
        new RdsConnections(new MariaDbDialect(), engine.jdbcUrl(), "configured_user", source())) {
      assertThatThrownBy(connections::borrow)
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
      assertThat(reads).hasValue(2);

      assertThatThrownBy(connections::borrow).isInstanceOf(SQLException.class);
      assertThat(reads).hasValue(3);
    }
  }

  @Test
  void aMigrationRefusedWithTheCachedPasswordReadsTheSecretAgain() throws Exception {
    String url = engine.createDatabase("rotation_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    secretPassword = "first-password";
    SecretsManagerPassword source = source();
    source.password();
    rotateTo("second-password");

    int applied =
        new SchemaMigrations(url, "configured_user", source)
            .migrate(SchemaMigrations.classpathLocation(new MariaDbDialect()));

    assertThat(applied).isEqualTo(1);
    assertThat(reads).hasValue(2);
  }

  private void rotateTo(String password) throws SQLException {
    asRoot("ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
    secretPassword = password;
  }

  private static String currentUser(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT CURRENT_USER()")) {
      result.next();
      String value = result.getString(1);
      connection.commit();
      return value;
    }
  }

  private void asRoot(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(engine.jdbcUrl(), engine.user(), engine.password());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
