package io.cqrssuite.sync.rds;

/**
 * Where the password of a new connection comes from: a fixed one, a fresh IAM token for RDS Proxy
 * ({@link RdsIamAuthToken}), which expires after 15 minutes and so is asked for at every connect, or a Secrets
 * Manager secret ({@link SecretsManagerPassword}), cached and fetched again after a rotation.
 */
@FunctionalInterface
public interface PasswordSource {
  String password();

  /**
   * The login for a new connection: {@code configuredUser} with {@link #password()}, unless the source knows the
   * user too (a secret names one).
   */
  default DatabaseLogin login(String configuredUser) {
    return new DatabaseLogin(configuredUser, password());
  }

  /**
   * The server refused the last login (SQLState class 28): a source that caches drops its copy, so the next
   * {@link #login} reads it afresh. Sources that do not cache ignore it.
   */
  default void invalidate() {}

  static PasswordSource fixed(String password) {
    return () -> password;
  }
}
