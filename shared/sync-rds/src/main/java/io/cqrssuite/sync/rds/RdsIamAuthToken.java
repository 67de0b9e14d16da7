package io.cqrssuite.sync.rds;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * An IAM authentication token as the password, for RDS Proxy or an IAM-enabled instance: the function's role
 * connects without a stored password. The token is signed locally (no AWS call) and valid for 15 minutes, which
 * is enough, since it is checked only when a connection opens. IAM authentication requires TLS: put
 * {@code sslmode=require} (PostgreSQL) or {@code sslMode=verify-full} (MariaDB) in the JDBC URL.
 */
final class RdsIamAuthToken implements PasswordSource {
  private final RdsUtilities utilities;
  private final String host;
  private final int port;
  private final String user;

  public RdsIamAuthToken(
      String region, AwsCredentialsProvider credentials, String host, int port, String user) {
    this.utilities = RdsUtilities.builder().region(Region.of(region)).credentialsProvider(credentials).build();
    this.host = host;
    this.port = port;
    this.user = user;
  }

  /** With the default credentials chain: the Lambda role's credentials on AWS. */
  /**
   * Whether the SDK's rds module is on the classpath: it is an optional dependency, needed only by the functions that
   * authenticate with IAM. Asked once, at the first connect's password source, never per record.
   */
  static boolean available() {
    try {
      Class.forName("software.amazon.awssdk.services.rds.RdsUtilities", false, RdsIamAuthToken.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  public static RdsIamAuthToken withDefaultCredentials(String region, String host, int port, String user) {
    return new RdsIamAuthToken(region, DefaultCredentialsProvider.builder().build(), host, port, user);
  }

  @Override
  public String password() {
    return utilities.generateAuthenticationToken(b -> b.hostname(host).port(port).username(user));
  }
}
