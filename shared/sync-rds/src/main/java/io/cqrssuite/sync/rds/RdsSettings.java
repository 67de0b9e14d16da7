package io.cqrssuite.sync.rds;

import java.util.ArrayList;
import java.util.List;
import io.cqrssuite.config.SettingsReader;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How the relational read model is reached, read once from the environment:
 *
 * <ul>
 *   <li>{@code SUITE_RDS_URL} (required): the JDBC URL, {@code jdbc:postgresql://host:5432/db} or
 *       {@code jdbc:mariadb://host:3306/db} ({@code jdbc:mysql://} is accepted); its scheme picks the dialect;
 *   <li>{@code SUITE_RDS_USER}, {@code SUITE_RDS_PASSWORD}: the login; the password is used only without IAM
 *       auth and without a secret;
 *   <li>{@code SUITE_RDS_IAM_AUTH} ({@code true}/{@code false}, default false): sign an IAM token as the password
 *       at every connect (RDS Proxy), with {@code AWS_REGION} (default {@code us-east-1});
 *   <li>{@code SUITE_RDS_SECRET_ARN}: without IAM auth, read the login from this Secrets Manager secret (RDS
 *       format: JSON with {@code username} and {@code password}; its username overrides {@code SUITE_RDS_USER})
 *       through {@link SecretsManagerPassword}, with the {@link AwsSettings} of the same environment;
 *   <li>{@code SUITE_RDS_MIGRATIONS} (default {@value #DEFAULT_MIGRATIONS}): the Flyway locations of the read
 *       model's SQL migrations, comma-separated; {@code {dialect}} stands for {@code postgresql} or {@code mariadb}.
 *       The default is a folder of the function's own resources: the library ships no migrations of its own;
 *   <li>{@code SUITE_RDS_POOL_SIZE} (default {@value RdsConnections#DEFAULT_POOL_SIZE}): the most connections a
 *       container opens; one per invocation running at once (one on classic Lambda, more under Lambda Managed
 *       Instances), opened on first use ({@link RdsConnections});
 *   <li>{@code SUITE_TOMBSTONE_RETENTION_HOURS} (default 384, 16 days): how long tombstones are kept; longer than
 *       the stream's 24-hour retention plus the 14-day dead-letter retention, so no redelivery or replay can
 *       outlive the tombstone that guards against it.
 * </ul>
 */
public record RdsSettings(
    String url,
    String user,
    String password,
    boolean iamAuth,
    String secretArn,
    AwsSettings aws,
    Duration tombstoneRetention,
    List<String> migrationLocations,
    int poolSize) {
  public static final Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofDays(16);
  public static final String MIGRATIONS = "SUITE_RDS_MIGRATIONS";
  public static final String DEFAULT_MIGRATIONS = "classpath:db/migration/{dialect}";

  public RdsSettings {
    SqlDialect.forJdbcUrl(url);
    if (tombstoneRetention.isNegative() || tombstoneRetention.isZero()) {
      throw new IllegalArgumentException("the tombstone retention must be positive, found " + tombstoneRetention);
    }
    migrationLocations = List.copyOf(migrationLocations);
    if (poolSize < 1) {
      throw new IllegalArgumentException("SUITE_RDS_POOL_SIZE must be at least 1, found " + poolSize);
    }
  }

  /** Whether the environment configures a relational read model at all. */
  public static boolean configured(Map<String, String> env) {
    String url = env.get("SUITE_RDS_URL");
    return url != null && !url.isBlank();
  }

  public static RdsSettings fromEnvironment(Map<String, String> env) {
    if (!configured(env)) {
      throw new IllegalArgumentException("SUITE_RDS_URL is not set: give the read model's JDBC URL");
    }
    SettingsReader settings = new SettingsReader(env);
    String url = settings.text("SUITE_RDS_URL").orElseThrow();
    SqlDialect dialect = SqlDialect.forJdbcUrl(url);
    return new RdsSettings(
        url,
        env.getOrDefault("SUITE_RDS_USER", ""),
        env.get("SUITE_RDS_PASSWORD"),
        settings.flag("SUITE_RDS_IAM_AUTH", false),
        settings.text("SUITE_RDS_SECRET_ARN").orElse(null),
        AwsSettings.fromEnvironment(env),
        Duration.ofHours(settings.positiveLong("SUITE_TOMBSTONE_RETENTION_HOURS", DEFAULT_TOMBSTONE_RETENTION.toHours())),
        migrationLocations(settings.text(MIGRATIONS, DEFAULT_MIGRATIONS), dialect),
        settings.positiveInt("SUITE_RDS_POOL_SIZE", RdsConnections.DEFAULT_POOL_SIZE));
  }

  /** The Flyway locations of {@code value}: comma-separated, {@code {dialect}} replaced by the dialect's name. */
  static List<String> migrationLocations(String value, SqlDialect dialect) {
    List<String> locations = new ArrayList<>();
    for (String location : value.split(",")) {
      if (!location.isBlank()) {
        locations.add(location.trim().replace("{dialect}", dialect.name()));
      }
    }
    if (locations.isEmpty()) {
      throw new IllegalArgumentException(MIGRATIONS + " names no location, found '" + value + "'");
    }
    return locations;
  }

  public SqlDialect dialect() {
    return SqlDialect.forJdbcUrl(url);
  }

  /** The region IAM tokens are signed for. */
  public String region() {
    return aws.region();
  }

  /**
   * The password source a connection uses: an IAM token signer with IAM auth, else the secret when one is
   * configured, else the configured password. Each call makes a new source (with a secret, a new client and an
   * empty cache): take one per container.
   */
  public PasswordSource passwordSource() {
    if (!iamAuth && secretArn != null) {
      return SecretsManagerPassword.of(new AwsClients(aws), secretArn);
    }
    if (!iamAuth) {
      return PasswordSource.fixed(password);
    }
    if (!RdsIamAuthToken.available()) {
      throw new IllegalStateException(
          "SUITE_RDS_IAM_AUTH is true, but software.amazon.awssdk:rds is not on the function's classpath: add it as a"
              + " dependency (cqrs-suite-sync-rds declares it optional)");
    }
    URI address = URI.create(url.substring("jdbc:".length()));
    if (address.getHost() == null) {
      throw new IllegalArgumentException("SUITE_RDS_IAM_AUTH needs a host in SUITE_RDS_URL to sign the token for");
    }
    int port = address.getPort() > 0 ? address.getPort() : dialect().defaultPort();
    return RdsIamAuthToken.withDefaultCredentials(region(), address.getHost(), port, user);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    // The URL's query may hold a password too.
    int query = url.indexOf('?');
    String shownUrl = query < 0 ? url : url.substring(0, query) + "?...";
    return "RdsSettings[url=" + shownUrl + ", user=" + user + ", password=" + (password == null ? "unset" : "***")
        + ", iamAuth=" + iamAuth + ", secretArn=" + (secretArn == null ? "unset" : secretArn) + ", region=" + region()
        + ", tombstoneRetention=" + tombstoneRetention + ", migrationLocations=" + migrationLocations
        + ", poolSize=" + poolSize + "]";
  }
}
