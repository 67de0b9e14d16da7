package io.cqrssuite.reliability.stream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.logging.StructuredLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * A ready-made Lambda handler for a stream mapping's on-failure queue: point a function's {@code Handler} at
 * {@code io.cqrssuite.reliability.stream.StreamFailureHandler::handleRequest}. It turns each pointer into
 * dead-letter envelopes of the records it names ({@link StreamFailureConsumer}), answering the SQS mapping with
 * {@code batchItemFailures} for the pointers not yet fully enveloped.
 *
 * <p>A function of its own rather than a branch of the event entrypoint: a pointer is no event for the
 * domain's handlers, the function needs stream-read permissions the event path should not have and no database or
 * VPC, and its concurrency stays small so a burst of pointers never takes capacity from the event path.
 */
public final class StreamFailureHandler implements RequestStreamHandler {
  private final StreamFailureConsumer consumer;
  private final StructuredLog log;
  private final ObjectMapper mapper = new ObjectMapper();

  public StreamFailureHandler() {
    this(System.getenv());
  }

  /** For an in-process invoke with a given environment (the template's variables plus overrides). */
  public StreamFailureHandler(Map<String, String> environment) {
    StreamFailureComponent component = StreamFailureComponent.create(environment);
    this.consumer = component.consumer();
    this.log = component.log();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    if (context != null) {
      String trace = System.getProperty("com.amazonaws.xray.traceHeader", System.getenv("_X_AMZN_TRACE_ID"));
      log.beginInvocation(context.getAwsRequestId(), trace);
    }
    try {
      mapper.writeValue(output, consumer.handleSqsEvent(mapper.readTree(input)));
    } finally {
      log.endInvocation();
    }
  }
}
