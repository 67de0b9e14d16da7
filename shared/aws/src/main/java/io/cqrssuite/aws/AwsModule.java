package io.cqrssuite.aws;

import dagger.Module;
import dagger.Provides;
import io.cqrssuite.config.Environment;
import io.cqrssuite.retry.InvocationDeadline;
import java.util.Map;
import javax.inject.Singleton;

/**
 * The {@link AwsSettings} and {@link AwsClients} of a function, from its environment. The modules that call AWS
 * include it, so a function's component never names it. The clients' calls are bounded by the invocation's
 * {@link InvocationDeadline}.
 */
@Module
public interface AwsModule {
  @Provides
  @Singleton
  static AwsSettings awsSettings(@Environment Map<String, String> env) {
    return AwsSettings.fromEnvironment(env);
  }

  @Provides
  @Singleton
  static AwsClients awsClients(AwsSettings settings, InvocationDeadline deadline) {
    return new AwsClients(settings, deadline);
  }
}
