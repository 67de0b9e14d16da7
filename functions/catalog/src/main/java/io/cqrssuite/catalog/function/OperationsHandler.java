package io.cqrssuite.catalog.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.operations.BackfillSteps;
import io.cqrssuite.catalog.operations.ResyncSegments;
import io.cqrssuite.catalog.operations.ScheduledReconcile;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.retry.InvocationDeadline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code OperationsFunction} of the catalog stack: {@code {"action": "resync-segment", ...}} from the resync
 * workflow ({@link ResyncSegments}), {@code {"action": "reconcile"}} from the schedule ({@link ScheduledReconcile}),
 * {@code {"action": "backfill-open" | "backfill-finish", ...}} from a backfill run of the workflow ({@link BackfillSteps}).
 * A stream handler, so the request is parsed by the suite's mapper (no reflective binding); its own function, not
 * the event factory's, because it scans the source table, runs for minutes and needs a role that may do so. The
 * object graph ({@link OperationsComponent}) is built once per container. An exception fails the invocation with its
 * class as Lambda's {@code errorType}, which the workflow's Retry matches.
 */
public final class OperationsHandler implements RequestStreamHandler {
  private static final LongSupplier UNBOUNDED = () -> Long.MAX_VALUE;
  private final ResyncSegments resync;
  private final ScheduledReconcile reconcile;
  private final BackfillSteps backfill;
  private final InvocationDeadline deadline;
  private final StructuredLog log;
  private final ObjectMapper mapper = new ObjectMapper();

  public OperationsHandler() {
    this(System.getenv());
  }

  /** For an in-process invoke with a given environment (the template's variables plus overrides). */
  public OperationsHandler(Map<String, String> environment) {
    OperationsComponent component = OperationsComponent.create(environment);
    this.resync = component.resyncSegments();
    this.reconcile = component.scheduledReconcile();
    this.backfill = component.backfillSteps();
    this.deadline = component.invocationDeadline();
    this.log = component.log();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode request = mapper.readTree(input);
    LongSupplier remaining = context == null ? UNBOUNDED : context::getRemainingTimeInMillis;
    if (context != null) {
      deadline.begin(context.getRemainingTimeInMillis());
      log.beginInvocation(context.getAwsRequestId(), System.getProperty("com.amazonaws.xray.traceHeader", System.getenv("_X_AMZN_TRACE_ID")));
    }
    ObjectNode answer;
    try {
      String action = request == null ? "" : request.path("action").asText("");
      answer = switch (action) {
        case "resync-segment" -> resync.run(request, remaining);
        case "reconcile" -> reconcile.run();
        case "backfill-open" -> backfill.open(request);
        case "backfill-finish" -> backfill.finish(request);
        default -> throw new PermanentException("unknown operation '" + action
            + "': the request's action is resync-segment, reconcile, backfill-open or backfill-finish");
      };
    } catch (IOException | RuntimeException e) {
      log.error("operation failed", Map.of("error", log.failureText(e)));
      throw e;
    } catch (Exception e) {
      log.error("operation failed", Map.of("error", log.failureText(e)));
      // Lambda's errorType is the class of what is thrown: keep the cause's class visible in the message.
      throw new IllegalStateException(e.getClass().getName() + ": " + e.getMessage(), e);
    } finally {
      log.endInvocation();
      deadline.end();
    }
    try {
      mapper.writeValue(output, answer);
    } catch (IOException e) {
      throw new UncheckedIOException("the answer could not be written", e);
    }
  }
}
