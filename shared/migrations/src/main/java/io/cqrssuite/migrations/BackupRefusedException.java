package io.cqrssuite.migrations;

/**
 * A restore refused before it changed anything: the backup is damaged (a hash does not match), incomplete, or of a
 * schema history this database does not descend from. The message says which and what to do.
 */
public final class BackupRefusedException extends IllegalStateException {
  public BackupRefusedException(String message) {
    super(message);
  }
}
