package io.cqrssuite.sync;

import dagger.Binds;
import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dagger.multibindings.Multibinds;
import io.cqrssuite.bus.BatchEventHandler;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.entity.TableMappings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.inject.Singleton;

/**
 * Data sync for a function's component: the {@link DataSyncDispatcher} runs as a batch handler over every stream
 * delivery, with every {@link DataSyncHandler} contributed to the set (the read-model modules contribute theirs
 * when configured; a user's own target is one {@code @Binds @IntoSet} away).
 *
 * <p>Which tables are entities, and how, is the function's {@link TableMapping}s: contributed in code with
 * {@code @Provides @IntoSet TableMapping}, or configured in {@code SUITE_TABLE_MAPPINGS} ({@link TableMappingConfig}).
 * They are checked when the component is built. The command side binds a {@link ChangeIntake} of its own.
 */
@Module
public interface SyncModule {
  @Multibinds
  Set<DataSyncHandler> targets();

  @Multibinds
  Set<TombstonePurger> purgers();

  @Multibinds
  Set<TableMapping> tableMappings();

  @BindsOptionalOf
  ChangeIntake changeIntake();

  @Binds
  @IntoSet
  BatchEventHandler<?> dataSync(DataSyncDispatcher dispatcher);

  /** The mappings declared in code and in the environment; two for one table, or a malformed one, fail here. */
  @Provides
  @Singleton
  static TableMappings mappings(Set<TableMapping> declared, @Environment Map<String, String> env) {
    List<TableMapping> all = new ArrayList<>(declared);
    all.addAll(TableMappingConfig.parse(env.get(TableMappingConfig.VARIABLE)));
    return new TableMappings(all);
  }
}
