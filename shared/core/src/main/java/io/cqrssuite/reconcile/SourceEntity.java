package io.cqrssuite.reconcile;

import io.cqrssuite.event.ChangeRecord;

/** One entity as the source table holds it: the change that would sync it now. */
public record SourceEntity(ChangeRecord change) {
  public String id() {
    return change.id();
  }

  public long version() {
    return change.version();
  }

  public boolean deleted() {
    return change.deleted();
  }
}
