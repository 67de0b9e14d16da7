package io.cqrssuite.migrations;

import java.util.List;

/** What {@link BackupStore#validate} found: a backup is valid when every hash agrees, object, meta and sidecar. */
public record BackupCheck(String backupId, List<String> problems) {
  public BackupCheck {
    problems = List.copyOf(problems);
  }

  public boolean valid() {
    return problems.isEmpty();
  }
}
