package io.cqrssuite.retry;

import dagger.Module;
import dagger.Provides;
import io.cqrssuite.config.Environment;
import java.util.Map;
import javax.inject.Singleton;

/** The retry policy's settings, from the function's environment ({@link RetrySettings}). */
@Module
public interface RetryModule {
  @Provides
  @Singleton
  static RetrySettings retrySettings(@Environment Map<String, String> env) {
    return RetrySettings.fromEnvironment(env);
  }
}
