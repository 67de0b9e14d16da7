package io.cqrssuite.sync.rds;

/**
 * Where the password of a new connection comes from: a fixed one, or a fresh IAM token for RDS Proxy
 * ({@link RdsIamAuthToken}), which expires after 15 minutes and so is asked for at every connect.
 */
@FunctionalInterface
public interface PasswordSource {
  String password();

  static PasswordSource fixed(String password) {
    return () -> password;
  }
}
