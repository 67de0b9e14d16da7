package io.cqrssuite.migrations;

import java.util.List;
import java.util.Map;

/**
 * What a restore put back.
 *
 * @param rows each restored table's row count (checked against the backup's before it went live)
 * @param dropped tables dropped because they did not exist at backup time
 * @param forced whether the version rule was overridden
 */
public record Restored(String backupId, String schemaVersion, Map<String, Long> rows, List<String> dropped, boolean forced) {
  public Restored {
    rows = Map.copyOf(rows);
    dropped = List.copyOf(dropped);
  }
}
