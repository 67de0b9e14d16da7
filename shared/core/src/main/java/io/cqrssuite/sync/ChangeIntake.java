package io.cqrssuite.sync;

import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The step every stream record passes, one at a time and in stream order, before the read models see it: it decides
 * what {@link DataSyncDispatcher} projects from the record. The plain intake ({@link #NORMALISED}) is
 * {@link DataChangeEvent#change()}; the command side's intake first writes the command to the data and history tables
 * (every version, not only the newest of the batch) and resolves large attributes held in S3.
 *
 * <p>An exception fails that record alone, classified as usual (a {@code PermanentException} is poison, anything
 * else transient); its entity is then not projected from this record, and redelivery repeats it.
 */
public interface ChangeIntake {
  /** What one record gives the read models. */
  record Intake(Optional<ChangeRecord> change, Map<String, Object> done) {
    /** Nothing to project; {@code done} says why or what was done instead. */
    public static Intake settled(Map<String, Object> done) {
      return new Intake(Optional.empty(), Collections.unmodifiableMap(new LinkedHashMap<>(done)));
    }

    /** Project {@code change}; {@code done} is what the intake did on the way, reported with the targets' outcomes. */
    public static Intake project(ChangeRecord change, Map<String, Object> done) {
      return new Intake(Optional.of(change), Collections.unmodifiableMap(new LinkedHashMap<>(done)));
    }
  }

  /** The normalised change, or housekeeping (TTL expiry, a command-table REMOVE, a history write) settled as a skip. */
  ChangeIntake NORMALISED = event -> {
    Optional<ChangeRecord> change = event.change();
    return change.isPresent()
        ? Intake.project(change.get(), Map.of())
        : Intake.settled(Map.of("action", "SKIP", "why", housekeeping(event)));
  };

  /**
   * Takes one record.
   *
   * @throws RuntimeException the record failed: a {@code PermanentException} or {@code InvalidEventException} for
   *     input no retry can fix, anything else transient
   */
  Intake take(DataChangeEvent event);

  /** Why a record that changes no entity is skipped. */
  static String housekeeping(DataChangeEvent event) {
    return event.removedByTtl() ? "TTL expiry" : "no entity change on a " + event.tableKind() + " table";
  }
}
