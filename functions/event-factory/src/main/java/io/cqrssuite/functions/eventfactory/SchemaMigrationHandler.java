package io.cqrssuite.functions.eventfactory;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cqrssuite.deploy.CloudFormationResponder;
import io.cqrssuite.deploy.CustomResourceProvider;
import io.cqrssuite.deploy.CustomResourceRequest;
import io.cqrssuite.deploy.CustomResourceResponse;
import io.cqrssuite.deploy.ReadModelSetup;
import io.cqrssuite.logging.StructuredLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;

/**
 * {@code SchemaMigrationFunction}: the {@code Custom::SchemaMigration} resource of the template. On {@code Create}
 * and {@code Update} it migrates the relational read model and ensures the OpenSearch index and aliases
 * ({@link ReadModelSetup}); on {@code Delete} it does nothing. Either way it answers CloudFormation, {@code FAILED}
 * with a reason when the work failed or ran out of time ({@link CustomResourceProvider}).
 *
 * <p>Nothing is read or connected at init, so a bad setting is answered as a failure instead of failing the
 * function before it could answer.
 */
public final class SchemaMigrationHandler implements RequestStreamHandler {
  private final CustomResourceProvider provider;

  public SchemaMigrationHandler() {
    this(System.getenv());
  }

  /** For an in-process invoke with a given environment (the template's variables plus overrides). */
  public SchemaMigrationHandler(Map<String, String> environment) {
    this(environment, CustomResourceProvider.DEFAULT_RESPONSE_MARGIN);
  }

  /** With the time kept back for the answer: tests give the invocation a few seconds only. */
  SchemaMigrationHandler(Map<String, String> environment, Duration responseMargin) {
    ReadModelSetup setup = new ReadModelSetup(environment);
    this.provider =
        new CustomResourceProvider(
            request -> setup.apply(), CloudFormationResponder.create(), log(environment), responseMargin);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    CustomResourceRequest request = CustomResourceRequest.parse(input.readAllBytes());
    CustomResourceResponse response =
        provider.handle(request, Duration.ofMillis(context.getRemainingTimeInMillis()));
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
