package io.cqrssuite.deploy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cqrssuite.logging.StructuredLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A {@code Custom::SchemaMigration}-style resource for a read-model stack: on {@code Create} and {@code Update} it
 * applies the function's {@link ReadModelSetup} steps; on {@code Delete} it does nothing. Either way it answers
 * CloudFormation, {@code FAILED} with a reason when the work failed or ran out of time ({@link CustomResourceProvider}).
 *
 * <p>A function only wires it: a subclass with a public no-argument constructor that names its steps, e.g.
 * {@code super(System.getenv(), List.of(new RdsMigrationSetup(env), new OpenSearchIndexSetup(env)))}. Nothing is
 * read or connected at init, so a bad setting is answered as a failure instead of failing the function before it
 * could answer.
 */
public abstract class ReadModelSetupHandler implements RequestStreamHandler {
  private final CustomResourceProvider provider;

  protected ReadModelSetupHandler(Map<String, String> environment, List<ReadModelSetup> steps) {
    this(environment, steps, CustomResourceProvider.DEFAULT_RESPONSE_MARGIN);
  }

  /** With the time kept back for the answer: tests give the invocation a few seconds only. */
  protected ReadModelSetupHandler(
      Map<String, String> environment, List<ReadModelSetup> steps, Duration responseMargin) {
    ReadModelSetups setups = new ReadModelSetups(steps);
    this.provider =
        new CustomResourceProvider(
            request -> setups.apply(), CloudFormationResponder.create(), log(environment), responseMargin);
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    CustomResourceRequest request = CustomResourceRequest.parse(input.readAllBytes());
    // Without a Lambda context (a local or test invoke), the function's longest timeout is the budget.
    Duration timeLeft = context == null ? Duration.ofMinutes(15) : Duration.ofMillis(context.getRemainingTimeInMillis());
    CustomResourceResponse response = provider.handle(request, timeLeft);
    // CloudFormation reads only what was PUT; the same answer is returned for a local invoke.
    output.write(response.toJson());
  }

  /** A malformed log level must not keep the function from answering: it falls back to INFO. */
  private static StructuredLog log(Map<String, String> environment) {
    try {
      return StructuredLog.fromEnvironment(environment);
    } catch (IllegalArgumentException e) {
      return new StructuredLog("schema-migration", System.err, StructuredLog.Level.INFO);
    }
  }
}
