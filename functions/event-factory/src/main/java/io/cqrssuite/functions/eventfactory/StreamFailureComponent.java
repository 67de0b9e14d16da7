package io.cqrssuite.functions.eventfactory;

import dagger.BindsInstance;
import dagger.Component;
import io.cqrssuite.entrypoint.Environment;
import io.cqrssuite.entrypoint.SuiteModule;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.reliability.alarm.AlarmModule;
import io.cqrssuite.reliability.stream.StreamFailureConsumer;
import io.cqrssuite.reliability.stream.StreamFailureModule;
import java.util.Map;
import javax.inject.Singleton;

/** The object graph of {@code StreamFailureFunction}, generated at compile time by Dagger. */
@Singleton
@Component(modules = {SuiteModule.class, AlarmModule.class, StreamFailureModule.class})
public interface StreamFailureComponent {
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
