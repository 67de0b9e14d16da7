package io.cqrssuite.reliability.stream;

import dagger.BindsInstance;
import dagger.Component;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entrypoint.CoreModule;
import io.cqrssuite.logging.StructuredLog;
import java.util.Map;
import javax.inject.Singleton;

/** The object graph of {@link StreamFailureHandler}, generated at compile time by Dagger. */
@Singleton
@Component(modules = {CoreModule.class, StreamFailureModule.class})
interface StreamFailureComponent {
  StreamFailureConsumer consumer();

  StructuredLog log();

  @Component.Factory
  interface Factory {
    StreamFailureComponent create(@BindsInstance @Environment Map<String, String> environment);
  }

  static StreamFailureComponent create(Map<String, String> environment) {
    return DaggerStreamFailureComponent.factory().create(environment);
  }
}
