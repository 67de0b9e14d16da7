package io.cqrssuite.handler;

import io.cqrssuite.config.Environment;
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.snapshot.SnapshotParticipant;
import java.util.Map;
import java.util.Set;

/**
 * What {@link EventFactoryHandler} needs from a function's Dagger component. A function's component extends this
 * interface and includes {@link io.cqrssuite.entrypoint.CoreModule}; Dagger generates the rest at compile time.
 */
public interface EntrypointComponent {
  EventEntrypoint entrypoint();

  /** Set from Lambda's remaining time at the start of each invocation; bounds in-invocation retries. */
  InvocationDeadline invocationDeadline();

  /** Told about each invocation (request id, trace id, cold start) so every log line carries them. */
  StructuredLog log();

  /** Closed and primed around a SnapStart snapshot ({@link io.cqrssuite.snapshot.SnapStartPriming}). */
  Set<SnapshotParticipant> snapshotParticipants();

  /** The environment the component was built with (for the invocation metrics' dimensions). */
  @Environment
  Map<String, String> environment();
}
