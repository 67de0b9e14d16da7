package io.cqrssuite.sync.rds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * The login from a Secrets Manager secret in the RDS format: a JSON {@code SecretString} with {@code password}
 * and, usually, {@code username} (which then overrides the configured user: the alternating-users rotation
 * switches it). The configuration holds only the secret's ARN, never the password.
 *
 * <p>The secret is read at the first connect, not at init, and kept for at most {@code maxAge} (5 minutes by
 * default), so a rotated password is picked up even by a container that keeps its connection. A login the server
 * refuses {@linkplain #invalidate() drops} the copy at once: {@link RdsConnections} then reads the secret again and
 * retries that connect once. A copy older than {@code maxAge} by the clock (as after a SnapStart restore) is read
 * again too.
 *
 * <p>Failures name the secret, never its contents: a secret that is missing, not allowed, or not in the RDS format
 * is a {@link PermanentException}; an unreachable or throttling service a {@link TransientException}.
 */
final class SecretsManagerPassword implements PasswordSource {
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);

  private final SecretsManagerClient client;
  private final String secretId;
  private final Duration maxAge;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private DatabaseLogin cached;
  private Instant fetchedAt;

  /**
   * @param secretId the secret's ARN (or name)
   * @param maxAge how long a read secret is used before it is read again
   */
  public SecretsManagerPassword(SecretsManagerClient client, String secretId, Duration maxAge, Clock clock) {
    if (secretId == null || secretId.isBlank()) {
      throw new IllegalArgumentException("a secret ARN is needed");
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("the secret's maximum age must be positive, found " + maxAge);
    }
    this.client = client;
    this.secretId = secretId;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /**
   * With a client built like the suite's others ({@code AWS_ENDPOINT_URL_SECRETSMANAGER} overrides the endpoint),
   * the default maximum age and the system clock.
   */
  public static SecretsManagerPassword of(AwsClients clients, String secretId) {
    SecretsManagerClient client = clients.configure(SecretsManagerClient.builder(), "SECRETSMANAGER").build();
    return new SecretsManagerPassword(client, secretId, DEFAULT_MAX_AGE, Clock.systemUTC());
  }

  @Override
  public String password() {
    return current().password();
  }

  /** The secret's user when it names one, else {@code configuredUser}, with the secret's password. */
  @Override
  public DatabaseLogin login(String configuredUser) {
    DatabaseLogin secret = current();
    return secret.user() == null ? new DatabaseLogin(configuredUser, secret.password()) : secret;
  }

  @Override
  public synchronized void invalidate() {
    cached = null;
    fetchedAt = null;
  }

  private synchronized DatabaseLogin current() {
    Instant now = clock.instant();
    if (cached == null || now.isBefore(fetchedAt) || !now.isBefore(fetchedAt.plus(maxAge))) {
      cached = fetch();
      fetchedAt = now;
    }
    return cached;
  }

  private DatabaseLogin fetch() {
    GetSecretValueResponse response;
    try {
      response = client.getSecretValue(request -> request.secretId(secretId));
    } catch (SecretsManagerException e) {
      String message = "cannot read the database secret " + secretId + ": " + e.getMessage();
      boolean refused = e.statusCode() >= 400 && e.statusCode() < 500 && !e.isThrottlingException();
      throw refused ? new PermanentException(message, e) : new TransientException(message, e);
    } catch (SdkException e) {
      throw new TransientException("cannot reach Secrets Manager for the database secret " + secretId + ": " + e.getMessage(), e);
    }
    return parse(response.secretString());
  }

  /** Reads {@code username} and {@code password}; no message and no cause may carry the secret's text. */
  private DatabaseLogin parse(String secretString) {
    if (secretString == null) {
      throw new PermanentException("the database secret " + secretId + " has no SecretString (a binary secret?)");
    }
    JsonNode root;
    try {
      root = json.readTree(secretString);
    } catch (JsonProcessingException e) {
      throw new PermanentException(
          "the database secret " + secretId + " is not JSON; it must hold {\"username\": ..., \"password\": ...}");
    }
    JsonNode password = root == null ? null : root.get("password");
    if (password == null || !password.isTextual()) {
      throw new PermanentException("the database secret " + secretId + " has no string field 'password'");
    }
    JsonNode user = root.get("username");
    return new DatabaseLogin(user != null && user.isTextual() && !user.asText().isEmpty() ? user.asText() : null, password.asText());
  }
}
