package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.testing.aws.FakeSecretsManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The database login read from a Secrets Manager secret, over the real JSON protocol to a server on 127.0.0.1. */
class SecretsManagerPasswordTest {
  private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog-db-AbCdEf";
  private static final String SECRET = "{\"username\":\"u\",\"password\":\"p\",\"engine\":\"postgres\"}";

  private FakeSecretsManager secrets;
  private SecretsManagerClient client;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeEach
  void start() {
    secrets = FakeSecretsManager.start(SECRET);
    client = clientFor(Map.of());
  }

  @AfterEach
  void stop() {
    client.close();
    secrets.close();
  }

  private SecretsManagerClient clientFor(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ENDPOINT_URL_SECRETSMANAGER", secrets.endpoint());
    return new AwsClients(AwsSettings.fromEnvironment(env))
        .configure(SecretsManagerClient.builder(), "SECRETSMANAGER")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
        .build();
  }

  private SecretsManagerPassword source() {
    return new SecretsManagerPassword(client, ARN, SecretsManagerPassword.DEFAULT_MAX_AGE, clock);
  }

  @Test
  void theLoginComesFromTheSecretAndItsUsernameOverridesTheConfiguredUser() {
    DatabaseLogin login = source().login("configured_user");

    assertThat(login).isEqualTo(new DatabaseLogin("u", "p"));
    assertThat(login.toString()).doesNotContain("p]").contains("***");
    assertThat(secrets.calls()).containsExactly(new FakeSecretsManager.Call("secretsmanager.GetSecretValue", ARN));
  }

  @Test
  void aSecretWithoutUsernameKeepsTheConfiguredUser() {
    secrets.secretString("{\"password\":\"p\"}");

    assertThat(source().login("configured_user")).isEqualTo(new DatabaseLogin("configured_user", "p"));
  }

  @Test
  void theSecretIsReadOnceAndAgainOnlyAfterItsMaximumAge() {
    SecretsManagerPassword source = source();
    source.login("x");
    clock.advance(Duration.ofMinutes(4));
    source.login("x");
    assertThat(secrets.calls()).hasSize(1);

    secrets.secretString("{\"username\":\"u\",\"password\":\"rotated\"}");
    clock.advance(Duration.ofMinutes(1));

    assertThat(source.login("x").password()).isEqualTo("rotated");
    assertThat(secrets.calls()).hasSize(2);
  }

  @Test
  void aRefusedLoginMakesTheNextLoginReadTheSecretAgain() {
    SecretsManagerPassword source = source();
    assertThat(source.password()).isEqualTo("p");
    secrets.secretString("{\"username\":\"u\",\"password\":\"rotated\"}");
    assertThat(source.password()).as("still cached").isEqualTo("p");

    source.invalidate();

    assertThat(source.password()).isEqualTo("rotated");
    assertThat(secrets.calls()).hasSize(2);
  }

  @Test
  void aClockThatWentBackReadsTheSecretAgain() {
    SecretsManagerPassword source = source();
    source.login("x");
    clock.advance(Duration.ofMinutes(-10));

    source.login("x");

    assertThat(secrets.calls()).hasSize(2);
  }

  @Test
  void aSecretNotInTheRdsFormatIsPermanentAndItsContentsAreNeverEchoed() {
    secrets.secretString("hunter2 is not json");
    assertThatThrownBy(() -> source().password())
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(ARN)
        .hasMessageNotContaining("hunter2")
        .hasNoCause();

    secrets.secretString("{\"username\":\"u\",\"pass\":\"hunter2\"}");
    assertThatThrownBy(() -> source().password())
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("'password'")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aMissingSecretIsPermanentAndAServiceErrorTransient() {
    secrets.fail(400, "ResourceNotFoundException");
    assertThatThrownBy(() -> source().password())
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(ARN);

    secrets.fail(500, "InternalServiceError");
    try (SecretsManagerClient once = clientFor(Map.of("SUITE_AWS_MAX_ATTEMPTS", "1"))) {
      assertThatThrownBy(() -> new SecretsManagerPassword(once, ARN, Duration.ofMinutes(5), clock).password())
          .isInstanceOf(TransientException.class)
          .hasMessageContaining(ARN);
    }
  }

  @Test
  void settingsPreferIamAuthThenTheSecretThenThePassword() {
    Map<String, String> env = new HashMap<>();
    env.put("SUITE_RDS_URL", "jdbc:postgresql://proxy.example:5432/catalog");
    env.put("SUITE_RDS_USER", "configured_user");
    env.put("SUITE_RDS_PASSWORD", "from-env");
    assertThat(RdsSettings.fromEnvironment(env).passwordSource().login("configured_user"))
        .isEqualTo(new DatabaseLogin("configured_user", "from-env"));

    env.put("SUITE_RDS_SECRET_ARN", ARN);
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ENDPOINT_URL_SECRETSMANAGER", secrets.endpoint());
    RdsSettings withSecret = RdsSettings.fromEnvironment(env);
    assertThat(withSecret.passwordSource()).isInstanceOf(SecretsManagerPassword.class);
    assertThat(withSecret.toString()).contains(ARN).doesNotContain("from-env");
    String saved = System.getProperty("aws.accessKeyId");
    String savedSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
    System.setProperty("aws.secretAccessKey", "secret");
    try {
      // The client is the suite's own: region and AWS_ENDPOINT_URL_SECRETSMANAGER from the same environment.
      assertThat(withSecret.passwordSource().login(withSecret.user())).isEqualTo(new DatabaseLogin("u", "p"));
      assertThat(secrets.calls()).hasSize(1);
    } finally {
      restore("aws.accessKeyId", saved);
      restore("aws.secretAccessKey", savedSecret);
    }

    env.put("SUITE_RDS_IAM_AUTH", "true");
    assertThat(RdsSettings.fromEnvironment(env).passwordSource()).isInstanceOf(RdsIamAuthToken.class);

    env.put("SUITE_RDS_IAM_AUTH", "false");
    env.put("SUITE_RDS_SECRET_ARN", " ");
    assertThat(RdsSettings.fromEnvironment(env).passwordSource().password()).isEqualTo("from-env");
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
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
