package io.cqrssuite.entity;

import io.cqrssuite.event.ChangeRecord;

/** What a stream record is to the read models, by its table's mapping. */
public sealed interface Resolution {
  /** The table has no mapping (or the item is of no mapped type): the record is for the handlers alone. */
  record Unmapped(String why) implements Resolution {}

  /** A mapped table's record that changes no entity: a TTL expiry, a removal the mapping calls housekeeping. */
  record Housekeeping(String why) implements Resolution {}

  /** An entity change. */
  record Entity(ChangeRecord change) implements Resolution {}
}
