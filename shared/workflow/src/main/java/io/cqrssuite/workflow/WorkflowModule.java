package io.cqrssuite.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Binds;
import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsModule;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.task.TaskCallbacks;
import javax.inject.Named;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Step Functions for a function's component: its records' task tokens are answered through the Step Functions API
 * ({@link StepFunctionsTaskCallbacks}, bound as the core's {@link TaskCallbacks}), and handlers may start workflows
 * ({@link WorkflowStarts}). The Step Functions client is built on first use, so a function that never answers a
 * token pays nothing for it at cold start. Reads the AWS settings of {@link AwsModule}.
 */
@Module(includes = AwsModule.class)
public interface WorkflowModule {
  /** For the task callbacks, which nothing else retries: the SDK's own retries. */
  @Provides
  @Singleton
  static SfnClient stepFunctions(AwsClients clients) {
    return clients.configureWithSdkRetries(SfnClient.builder(), "SFN").build();
  }

  @Provides
  @Singleton
  static StepFunctionsTaskCallbacks stepFunctionsTaskCallbacks(SfnClient sfn, StructuredLog log) {
    return new StepFunctionsTaskCallbacks(sfn, log);
  }

  @Binds
  TaskCallbacks taskCallbacks(StepFunctionsTaskCallbacks callbacks);

  @Provides
  @Singleton
  static WorkflowStarts workflowStarts(
      @Named("retried-by-the-suite") Lazy<SfnClient> sfn, ObjectMapper mapper, CorrelationContext correlation) {
    return new WorkflowStarts(sfn::get, mapper, correlation);
  }

  /** For starts from handlers, which the suite's retry repeats: one SDK attempt each (contract §5). */
  @Provides
  @Singleton
  @Named("retried-by-the-suite")
  static SfnClient stepFunctionsForHandlers(AwsClients clients) {
    return clients.configure(SfnClient.builder(), "SFN").build();
  }
}
