package io.cqrssuite.migrations;

/**
 * How {@link BackupStore#restore} may deviate from its rule.
 *
 * @param force restore even when the backup's history is not a prefix of the live one (see {@link BackupStore})
 * @param dropTablesCreatedSince also drop the base tables that did not exist at backup time: what a rollback of a
 *     failed migration wants, since they are that migration's; off for a restore by hand, which may run long after
 */
public record RestoreOptions(boolean force, boolean dropTablesCreatedSince) {
  /** The rollback of a migration that just failed. */
  public static RestoreOptions rollback() {
    return new RestoreOptions(false, true);
  }

  /** A restore by hand: the version rule holds, other tables are left alone. */
  public static RestoreOptions manual() {
    return new RestoreOptions(false, false);
  }
}
