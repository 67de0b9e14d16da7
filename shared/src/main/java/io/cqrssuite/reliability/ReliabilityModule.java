package io.cqrssuite.reliability;

import dagger.Module;
import dagger.Provides;
import io.cqrssuite.entrypoint.Environment;
import java.util.Map;
import javax.inject.Singleton;

/** The retry policy's settings, from the function's environment ({@link RetrySettings}). */
@Module
public interface ReliabilityModule {
  @Provides
  @Singleton
  static RetrySettings retrySettings(@Environment Map<String, String> env) {
    return RetrySettings.fromEnvironment(env);
  }
}
