package io.cqrssuite.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.entity.Resolution;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.workflow.WorkflowStarts;
import io.cqrssuite.sync.ChangeIntake;
import io.cqrssuite.sync.SyncOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command side's {@link ChangeIntake}: each record of the command table's stream, in stream order, is written to
 * the data and history tables by {@link CommandSync} before the read models see it (direct mode), or starts the
 * command's own sync workflow (workflow mode: the read models are then written by its task, not here). Every record
 * is applied, not only the newest of a batch, so history has no gaps; {@code CommandSync} is version-guarded, so a
 * redelivered or reordered record changes nothing. Records are read through the table mappings like any other: a
 * {@code REMOVE} on the command table (TTL expiring an old command) is housekeeping by its mapping and touches
 * neither table; other mapped tables' changes are projected; unmapped tables are left to the handlers.
 *
 * <p>Large attributes held in S3 are resolved to their values before any read model sees them, on every table's
 * changes (the data table holds pointers too), when a command bucket is configured. A pointer that cannot be read
 * now is a transient failure; a missing or corrupt object a permanent one, and so is a pointer {@link CommandImages}
 * does not follow (another bucket, a key not its entity's, an object over the limit), so a forged record is
 * dead-lettered with the reason rather than read.
 *
 * <p>In direct mode with a {@link CommandBatchSync}, a delivery's commands are first synced together
 * ({@link #takeAll}): per entity one read and a few grouped writes instead of two to four calls per command. What it
 * cannot settle (an entity whose writes kept failing, an image it cannot read) is taken record by record as before.
 */
public final class CommandIntake implements ChangeIntake {
  /** Where the intake's own work shows in a record's result. */
  static final String NAME = "CommandSync";
  /** The input field {@code WorkflowStarts} and the task's record read the correlation id from. */
  private static final String CORRELATION_ID = "correlationId";

  private final CommandTables tables;
  private final TableMappings mappings;
  private final CommandSync sync;
  private final CommandBatchSync batch;
  private final CommandImages images;
  private final CommandSyncSettings mode;
  private final WorkflowStarts starts;
  private final ObjectMapper mapper;

  /**
   * @param batch {@code null} to sync every command on its own ({@code sync})
   * @param images {@code null} when no command bucket is configured: images are projected as stored
   * @param starts used in workflow mode only
   */
  public CommandIntake(
      CommandTables tables,
      TableMappings mappings,
      CommandSync sync,
      CommandBatchSync batch,
      CommandImages images,
      CommandSyncSettings mode,
      WorkflowStarts starts,
      ObjectMapper mapper) {
    if (mode.mode() == CommandSyncSettings.Mode.WORKFLOW && starts == null) {
      throw new IllegalArgumentException("workflow mode needs WorkflowStarts");
    }
    if (mappings.forTable(tables.command()).isEmpty()) {
      throw new IllegalArgumentException(
          "command table '" + tables.command() + "' has no table mapping: declare it in code (CommandTables.tableMappings)"
              + " or in " + TableMappingConfig.VARIABLE + ", e.g. " + TableMappingConfig.VARIABLE + "="
              + TableMappingConfig.format(tables.tableMappings("<entity type>")));
    }
    this.tables = tables;
    this.mappings = mappings;
    this.sync = sync;
    this.batch = batch;
    this.images = images;
    this.mode = mode;
    this.starts = starts;
    this.mapper = mapper;
  }

  @Override
  public Intake take(DataChangeEvent event) {
    Resolution resolution = mappings.resolve(event);
    if (!(resolution instanceof Resolution.Entity entity)) {
      return ChangeIntake.intake(resolution);
    }
    if (!tables.command().equals(event.tableName())) {
      return Intake.project(resolved(entity.change()), Map.of());
    }
    if (mode.mode() == CommandSyncSettings.Mode.WORKFLOW) {
      return started(entity.change(), event.eventId());
    }
    return apply(entity.change());
  }

  /**
   * The delivery's commands synced together, in direct mode; other tables' records, and commands it cannot settle,
   * are left to {@link #take}.
   */
  @Override
  public Map<Integer, Intake> takeAll(List<DataChangeEvent> events) {
    if (batch == null || mode.mode() != CommandSyncSettings.Mode.DIRECT) {
      return Map.of();
    }
    List<ChangeRecord> commands = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      DataChangeEvent event = events.get(i);
      if (!tables.command().equals(event.tableName())) {
        continue;
      }
      Resolution resolution;
      try {
        resolution = mappings.resolve(event);
      } catch (RuntimeException e) {
        // take reports it, against this record alone.
        continue;
      }
      if (resolution instanceof Resolution.Entity entity) {
        commands.add(entity.change());
        positions.add(i);
      }
    }
    if (commands.isEmpty()) {
      return Map.of();
    }
    Map<Integer, Intake> settled = new HashMap<>();
    batch.applyAll(commands).forEach((at, outcome) -> {
      ChangeRecord command = commands.get(at);
      try {
        settled.put(positions.get(at), projected(command, outcome));
      } catch (RuntimeException e) {
        // A pointer that cannot be resolved: take syncs the command again (a duplicate now) and reports the pointer.
      }
    });
    return settled;
  }

  /**
   * The sync step of one command, wherever it runs: the data and history tables written, then the change the read
   * models get (pointers resolved).
   *
   * @throws io.cqrssuite.failure.PermanentException the image is not a command, or a pointer names a missing object
   * @throws io.cqrssuite.failure.TransientException DynamoDB or S3 failed
   */
  public Intake apply(ChangeRecord command) {
    return projected(command, sync.apply(command));
  }

  private Intake projected(ChangeRecord command, SyncOutcome outcome) {
    Map<String, Object> done = new LinkedHashMap<>();
    done.put(NAME, outcome.getClass().getSimpleName().toUpperCase(Locale.ROOT));
    return Intake.project(resolved(command), done);
  }

  /**
   * The execution name of a command's sync: from table, pk, code and version only, so a redelivered record names the
   * same execution and a STANDARD workflow refuses to start it twice.
   */
  public static String executionName(String table, String pk, String code, long version) {
    return WorkflowStarts.executionName("command-sync", table, pk, code, CommandKeys.padded(version));
  }

  private Intake started(ChangeRecord command, String streamEventId) {
    ObjectNode input = mapper.createObjectNode();
    input.put("table", command.table()).put("pk", command.pk()).put("code", command.code()).put("version", command.version());
    // The input must be the same on every delivery of the record, or a repeat start would not match the first: a
    // batch's correlation scope depends on which records share the delivery, so name the correlation id here, from
    // the command's own request id, else the stream record's id (stable across redelivery).
    JsonNode requestId = command.image().get("requestId");
    input.put(CORRELATION_ID, requestId != null && requestId.isTextual() && !requestId.textValue().isBlank()
        ? requestId.textValue() : streamEventId);
    WorkflowStarts.Started started =
        starts.start(mode.stateMachineArn(), executionName(command.table(), command.pk(), command.code(), command.version()), input);
    Map<String, Object> done = new LinkedHashMap<>();
    done.put(NAME, "WORKFLOW");
    done.put("executionArn", started.executionArn());
    done.put("repeated", started.repeated());
    return Intake.settled(done);
  }

  private ChangeRecord resolved(ChangeRecord change) {
    // A delete projects the identity and version only (a tombstone): its large values need not be read.
    if (images == null || change.deleted() || !CommandImages.hasPointers(change.image())) {
      return change;
    }
    return new ChangeRecord(
        change.table(), change.pk(), change.code(), change.id(), change.version(), change.deleted(), images.resolve(change.image()));
  }
}
