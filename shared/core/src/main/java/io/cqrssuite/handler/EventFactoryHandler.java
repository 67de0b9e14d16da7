package io.cqrssuite.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.metrics.InvocationMetrics;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.snapshot.SnapStartPriming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The one Lambda entrypoint for S3, SQS, SNS, EventBridge, DynamoDB streams and Step Functions tasks. A stream
 * handler, so the raw event reaches the suite's own parser untouched (no reflective POJO binding), and the response
 * is written exactly as AWS defines it for the source.
 *
 * <p>A function only wires it: a subclass whose public no-argument constructor builds the function's component once
 * per container, in the constructor Lambda calls at init:
 *
 * <pre>{@code
 * public final class Handler extends EventFactoryHandler {
 *   public Handler() {
 *     super(DaggerOrdersComponent.factory().create(System.getenv()));
 *   }
 * }
 * }</pre>
 */
public abstract class EventFactoryHandler implements RequestStreamHandler {
  private static final byte[] NULL = "null".getBytes(StandardCharsets.UTF_8);
  private final EventEntrypoint entrypoint;
  private final InvocationDeadline deadline;
  private final InvocationMetrics metrics;
  private final StructuredLog log;
  private final ObjectMapper mapper = new ObjectMapper();
  /** A field, not only registered: CRaC's context holds its resources weakly. */
  private final SnapStartPriming snapStart;

  protected EventFactoryHandler(EntrypointComponent component) {
    this.entrypoint = component.entrypoint();
    this.deadline = component.invocationDeadline();
    this.metrics = new InvocationMetrics(component.environment(), System.err, Clock.systemUTC());
    this.log = component.log();
    this.snapStart = new SnapStartPriming(entrypoint, component.snapshotParticipants(), log).register();
  }

  /**
   * The SnapStart hook this handler registered (its {@code beforeCheckpoint} primes and closes connections). Lambda
   * calls it; tests and tools may call it to see what a snapshot would hold.
   */
  public final SnapStartPriming snapStartPriming() {
    return snapStart;
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    if (context != null) {
      deadline.begin(context.getRemainingTimeInMillis());
      // The Java runtime puts the trace header in a system property; older runtimes in the environment.
      String trace = System.getProperty("com.amazonaws.xray.traceHeader", System.getenv("_X_AMZN_TRACE_ID"));
      log.beginInvocation(context.getAwsRequestId(), trace);
    }
    InvocationOutcome outcome;
    try {
      outcome = entrypoint.handle(input);
    } finally {
      // This thread's invocation is over: a concurrent one on another thread keeps its own request id and deadline.
      log.endInvocation();
      deadline.end();
    }
    metrics.record(outcome);
    if (outcome.failed()) {
      // Rethrown as it is, so Lambda's errorType is the real exception class a Step Functions Retry/Catch matches.
      throw EventFactoryHandler.<RuntimeException>sneaky(outcome.error());
    }
    if (outcome.response() == null) {
      output.write(NULL);
    } else {
      mapper.writeValue(output, outcome.response());
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable error) throws T {
    throw (T) error;
  }
}
