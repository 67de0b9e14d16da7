package io.cqrssuite.command;

/**
 * Another command got there first: the caller's expected version is not the latest, or a concurrent publisher wrote
 * the same next version (the conditional put lost). The caller re-reads and decides again; HTTP 409.
 */
public final class VersionConflictException extends CommandRejectedException {
  private static final long serialVersionUID = 1L;

  private final String pk;
  private final String code;
  private final long attemptedVersion;
  private final long latestVersion;

  public VersionConflictException(String pk, String code, long attemptedVersion, long latestVersion) {
    super("version conflict on " + pk + "#" + code + ": tried to write version " + attemptedVersion
        + " but the latest version is " + latestVersion);
    this.pk = pk;
    this.code = code;
    this.attemptedVersion = attemptedVersion;
    this.latestVersion = latestVersion;
  }

  public String pk() {
    return pk;
  }

  public String code() {
    return code;
  }

  /** The version this command would have had. */
  public long attemptedVersion() {
    return attemptedVersion;
  }

  /** The latest version when the conflict was seen; 0 when the entity has none. */
  public long latestVersion() {
    return latestVersion;
  }

  @Override
  public int httpStatus() {
    return 409;
  }
}
