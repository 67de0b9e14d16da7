package io.cqrssuite.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.entrypoint.CoreModule;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventFactory;
import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.handler.EntrypointComponent;
import java.util.Map;
import javax.inject.Singleton;
import org.junit.jupiter.api.Test;

/**
 * Table mappings are checked when the function's component builds its entrypoint, at init, before any record and
 * without any AWS call: a malformed one, two for one table, an unknown key form.
 */
class TableMappingStartupTest {
  @Module
  interface FunctionModule {
    @Provides
    static EventFactory eventFactory() {
      return new DefaultEventFactory();
    }

    /** The function's own code declares the command table. */
    @Provides
    @IntoSet
    static TableMapping commandTable() {
      return ProductTables.COMMAND_MAPPING;
    }
  }

  @Singleton
  @Component(modules = {CoreModule.class, SyncModule.class, FunctionModule.class})
  interface Function extends EntrypointComponent {
    TableMappings mappings();

    @Component.Factory
    interface Factory {
      Function create(@BindsInstance @Environment Map<String, String> environment);
    }
  }

  private static Function function(String mappings) {
    return DaggerTableMappingStartupTest_Function.factory()
        .create(mappings == null ? Map.of() : Map.of("SUITE_TABLE_MAPPINGS", mappings));
  }

  @Test
  void codeAndConfigurationTogetherMapTheFunctionsTables() {
    Function function = function("[{\"table\": \"" + ProductTables.DATA + "\", \"key\": \"pk,sk\", \"deletedFlag\": \"isDeleted\"}]");

    assertThat(function.entrypoint()).isNotNull();
    assertThat(function.mappings().all()).extracting(TableMapping::table).containsExactlyInAnyOrder(ProductTables.COMMAND, ProductTables.DATA);
  }

  @Test
  void aMalformedMappingFailsTheFunctionAtInit() {
    assertThatThrownBy(() -> function("[{\"table\": \"orders\", \"key\": \"Id\", \"removes\": \"sometimes\"}]").entrypoint())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SUITE_TABLE_MAPPINGS[0] (table 'orders')");
  }

  @Test
  void twoMappingsForOneTableFailTheFunctionAtInit() {
    assertThatThrownBy(() -> function("[{\"table\": \"" + ProductTables.COMMAND + "\", \"key\": \"pk,sk\"}]").entrypoint())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two mappings for table '" + ProductTables.COMMAND + "'");
  }

  @Test
  void anUnknownKeyFormFailsTheFunctionAtInit() {
    assertThatThrownBy(() -> function("[{\"table\": \"orders\", \"key\": \"tenant,region,id\"}]").entrypoint())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key form 'tenant,region,id'");
  }
}
