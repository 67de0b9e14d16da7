package io.cqrssuite.sync;

import dagger.Binds;
import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.multibindings.IntoSet;
import dagger.multibindings.Multibinds;
import io.cqrssuite.bus.BatchEventHandler;
import java.util.Set;

/**
 * Data sync for a function's component: the {@link DataSyncDispatcher} runs as a batch handler over every stream
 * delivery, with every {@link DataSyncHandler} contributed to the set (the read-model modules contribute theirs
 * when configured; a user's own target is one {@code @Binds @IntoSet} away). The command side binds a
 * {@link ChangeIntake}; without one, changes are normalised as they come.
 */
@Module
public interface SyncModule {
  @Multibinds
  Set<DataSyncHandler> targets();

  @Multibinds
  Set<TombstonePurger> purgers();

  @BindsOptionalOf
  ChangeIntake changeIntake();

  @Binds
  @IntoSet
  BatchEventHandler<?> dataSync(DataSyncDispatcher dispatcher);
}
