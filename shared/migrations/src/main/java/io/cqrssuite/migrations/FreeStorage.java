package io.cqrssuite.migrations;

import java.util.OptionalLong;

/**
 * The database's free storage, where something can read it (neither engine reports its disk through SQL; on RDS it is
 * CloudWatch's {@code FreeStorageSpace}). A restore writes a second copy of each affected table before the old one
 * goes, so the pre-check wants at least their size free.
 */
@FunctionalInterface
public interface FreeStorage {
  /** Free bytes, or empty when unknown. */
  OptionalLong freeBytes() throws Exception;

  /** Nothing reads it: the pre-check reports {@code unknown} and does not stop on it. */
  static FreeStorage unknown() {
    return OptionalLong::empty;
  }
}
