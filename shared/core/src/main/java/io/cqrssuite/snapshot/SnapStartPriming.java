package io.cqrssuite.snapshot;

import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.logging.StructuredLog;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * The SnapStart runtime hook of an entrypoint function, registered with CRaC's global context (the {@code org.crac}
 * shim AWS documents for Lambda: a no-op on a JVM without CRaC, so locally and in tests the hooks only run when
 * called). Before the snapshot it decodes one synthetic delivery per source through the function's own entrypoint
 * (parsing, source detection, routing: no handler runs, nothing leaves the process), then lets every
 * {@link SnapshotParticipant} build its clients and close its connections. After a restore it tells them so.
 *
 * <p>Why priming: SnapStart snapshots the sandbox after init; what init did not load and run, the first invocation
 * after every restore pays for. Why closing: a snapshot is restored into many sandboxes at once, and a socket open
 * in it would be shared by all of them (and is stale anyway).
 */
public final class SnapStartPriming implements Resource {
  /**
   * The synthetic deliveries, one per source: the repository's sample events under {@code events/}, packaged into the
   * core's jar by its build (no copy of them in the sources).
   */
  public static final List<String> SYNTHETIC = List.of(
      "s3/csv-import-object-created.json", "sqs/standard-batch.json", "sns/notification.json",
      "eventbridge/custom.json", "stepfunctions/task-with-token.json", "dynamodb/product-data-changes.json");

  private final EventEntrypoint entrypoint;
  private final Set<SnapshotParticipant> participants;
  private final StructuredLog log;

  public SnapStartPriming(EventEntrypoint entrypoint, Set<SnapshotParticipant> participants, StructuredLog log) {
    this.entrypoint = entrypoint;
    this.participants = Set.copyOf(participants);
    this.log = log;
  }

  /**
   * Registers this hook with CRaC's global context. The context holds its resources weakly: the caller keeps this
   * object (the handler has it as a field) for as long as the hook must run.
   */
  public SnapStartPriming register() {
    Core.getGlobalContext().register(this);
    return this;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    int primed = prime();
    for (SnapshotParticipant participant : participants) {
      participant.beforeSnapshot();
    }
    log.info("snapshot primed", Map.of("syntheticDeliveries", primed, "participants", participants.size()));
  }

  /**
   * Decodes the synthetic deliveries through the entrypoint, touching no network.
   *
   * @return how many of them decoded (a function's routing may reject one: it is logged, not thrown)
   */
  public int prime() {
    int decoded = 0;
    for (String name : SYNTHETIC) {
      try (InputStream event = SnapStartPriming.class.getResourceAsStream("synthetic/" + name)) {
        if (event == null) {
          throw new IllegalStateException("synthetic event " + name + " is missing from the core's jar");
        }
        if (!entrypoint.decode(event).records().isEmpty()) {
          decoded++;
        }
      } catch (IOException | RuntimeException e) {
        // A function whose routing rejects a synthetic event still snapshots: priming is an optimisation only.
        log.warn("snapshot priming: a synthetic event was not decoded",
            Map.of("event", name, "errorType", e.getClass().getName()));
      }
    }
    return decoded;
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    for (SnapshotParticipant participant : participants) {
      participant.afterRestore();
    }
  }
}
