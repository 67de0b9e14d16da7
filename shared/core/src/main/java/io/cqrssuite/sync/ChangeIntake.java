package io.cqrssuite.sync;

import io.cqrssuite.entity.Resolution;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The step every stream record passes, one at a time and in stream order, before the read models see it: it decides
 * what {@link DataSyncDispatcher} projects from the record. The plain intake ({@link #mapped}) is the table mappings'
 * resolution; the command side's intake first writes the command to the data and history tables (every version, not
 * only the newest of the batch) and resolves large attributes held in S3.
 *
 * <p>An exception fails that record alone, classified as usual (a {@code PermanentException} is poison, anything
 * else transient); its entity is then not projected from this record, and redelivery repeats it.
 */
public interface ChangeIntake {
  /**
   * What one record gives the read models: a change to project, nothing (settled: housekeeping, or work done
   * elsewhere), or nothing because the record is not theirs at all (a table without a mapping), which leaves it to
   * the handlers.
   */
  record Intake(Optional<ChangeRecord> change, Map<String, Object> done, boolean forHandlers) {
    /** Nothing to project; {@code done} says why or what was done instead. */
    public static Intake settled(Map<String, Object> done) {
      return new Intake(Optional.empty(), Collections.unmodifiableMap(new LinkedHashMap<>(done)), false);
    }

    /** Project {@code change}; {@code done} is what the intake did on the way, reported with the targets' outcomes. */
    public static Intake project(ChangeRecord change, Map<String, Object> done) {
      return new Intake(Optional.of(change), Collections.unmodifiableMap(new LinkedHashMap<>(done)), false);
    }

    /** Not the read models' record: the handlers, and the unhandled-event policy, decide. */
    public static Intake forTheHandlers() {
      return new Intake(Optional.empty(), Map.of(), true);
    }
  }

  /**
   * Takes one record.
   *
   * @throws RuntimeException the record failed: a {@code PermanentException} ({@code MappingException},
   *     {@code InvalidEventException}) for input no retry can fix, anything else transient
   */
  Intake take(DataChangeEvent event);

  /**
   * Takes what it can of a whole delivery at once, before the records are taken one by one: for an intake whose own
   * writes cost fewer calls per delivery than per record (the command side reads and writes a batch of commands in
   * a few requests). The records it settles are not passed to {@link #take}; the others are, in stream order, as
   * without this step. So a record it cannot settle (a failed write, input it does not know) is simply left out and
   * meets {@link #take}'s retries and failure reporting.
   *
   * <p>What it settles for one entity must come before, in stream order, what it leaves of that entity: a later
   * record never takes effect ahead of an earlier one that is left for {@link #take}.
   *
   * @param events the delivery, in stream order
   * @return the intakes it settled, by index in {@code events}; none by default
   * @throws RuntimeException nothing was settled: every record is then taken one by one
   */
  default Map<Integer, Intake> takeAll(List<DataChangeEvent> events) {
    return Map.of();
  }

  /** The intake of the table mappings: a mapped change projected, housekeeping skipped, an unmapped table passed on. */
  static ChangeIntake mapped(TableMappings mappings) {
    return event -> intake(mappings.resolve(event));
  }

  /** The intake of one resolution. */
  static Intake intake(Resolution resolution) {
    if (resolution instanceof Resolution.Entity entity) {
      return Intake.project(entity.change(), Map.of());
    }
    if (resolution instanceof Resolution.Housekeeping housekeeping) {
      return Intake.settled(Map.of("action", "SKIP", "why", housekeeping.why()));
    }
    return Intake.forTheHandlers();
  }
}
