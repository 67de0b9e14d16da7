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
 *
 * <p>Given a {@link StackStatus}, an {@code Update} sent while CloudFormation rolls the stack back
 * ({@value StackStatus#UPDATE_ROLLBACK_IN_PROGRESS}) applies nothing and succeeds.
 * Without one every {@code Update} applies the steps, as before.
 */
public abstract class ReadModelSetupHandler implements RequestStreamHandler {
  /** Time kept back for the answer when none is given: the answer's attempts take under 40 s. */
  protected static final Duration DEFAULT_RESPONSE_MARGIN = CustomResourceProvider.DEFAULT_RESPONSE_MARGIN;

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

  /**
   * With the stack's status asked on every {@code Update}: CloudFormation's rollback of an update is then a no-op.
   * {@code stacks} is asked only when an {@code Update} arrives, so it may build its client lazily.
   */
  protected ReadModelSetupHandler(
      Map<String, String> environment, List<ReadModelSetup> steps, StackStatus stacks, Duration responseMargin) {
    ReadModelSetups setups = new ReadModelSetups(steps);
    StructuredLog log = log(environment);
    this.provider =
        new CustomResourceProvider(
            new RollbackAwareAction(request -> setups.apply(), stacks, log), CloudFormationResponder.create(), log,
            responseMargin);
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
