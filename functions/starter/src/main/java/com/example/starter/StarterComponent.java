package com.example.starter;

import dagger.BindsInstance;
import dagger.Component;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entrypoint.CoreModule;
import io.cqrssuite.handler.EntrypointComponent;
import io.cqrssuite.sync.rds.RdsSyncModule;
import java.util.Map;
import javax.inject.Singleton;

/**
 * The function's object graph, generated at compile time by Dagger ({@code DaggerStarterComponent}): the suite's
 * core (entrypoint, event bus, logging, retries), the relational read model, and this function's own module.
 */
@Singleton
@Component(modules = {CoreModule.class, RdsSyncModule.class, StarterModule.class})
public interface StarterComponent extends EntrypointComponent {
  @Component.Factory
  interface Factory {
    StarterComponent create(@BindsInstance @Environment Map<String, String> environment);
  }

  static StarterComponent create(Map<String, String> environment) {
    return DaggerStarterComponent.factory().create(environment);
  }
}
