package io.cqrssuite.migrations;

/**
 * Flyway could not bring the schema up: after {@code attempts} attempts when they timed out, after one when the
 * server refused the SQL. The message names the SQLState, the vendor code and the server's first line.
 */
public final class MigrationFailedException extends RuntimeException {
  private final int attempts;
  private final String kind;

  MigrationFailedException(String message, int attempts, MigrationFailure kind, Throwable cause) {
    super(message, cause);
    this.attempts = attempts;
    this.kind = kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  public int attempts() {
    return attempts;
  }

  /** {@code timeout}, {@code syntax}, {@code conflict} or {@code other}. */
  public String kind() {
    return kind;
  }
}
