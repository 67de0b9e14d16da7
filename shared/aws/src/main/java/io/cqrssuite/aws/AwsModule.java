package io.cqrssuite.aws;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.cqrssuite.snapshot.SnapshotParticipant;
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

  /**
   * Before a SnapStart snapshot, the shared HTTP client (and its TLS context) is built, so no restored sandbox pays
   * for it. It holds no connection then: nothing at init calls AWS.
   */
  @Provides
  @IntoSet
  static SnapshotParticipant awsClientsPrimed(AwsClients clients) {
    return clients::prime;
  }

  @Provides
  @Singleton
  static AwsClients awsClients(AwsSettings settings, InvocationDeadline deadline) {
    return new AwsClients(settings, deadline);
  }
}
