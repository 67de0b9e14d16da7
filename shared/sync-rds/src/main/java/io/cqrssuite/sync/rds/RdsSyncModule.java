package io.cqrssuite.sync.rds;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dagger.multibindings.Multibinds;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.config.Environment;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.snapshot.SnapshotParticipant;
import io.cqrssuite.sync.DataSyncHandler;
import io.cqrssuite.sync.SyncModule;
import io.cqrssuite.sync.TombstonePurger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Singleton;

/**
 * A relational read model for a function's component. The function contributes its tables, each an
 * {@link RdsTableMapping} with {@code @Provides @IntoSet}; when {@code SUITE_RDS_URL} is set, this module adds an
 * {@link RdsSyncHandler} over them to the data-sync targets and a {@link TombstonePurge} to the purgers. Unset, it
 * adds nothing: a change no target takes then fails as unhandled rather than being acknowledged unseen. Nothing
 * connects at init; a connection opens on the first batch. The component's {@link AlarmSink}, when one is bound
 * (the core's {@code CoreModule} declares it optional), gets the sync's alarm about a table that no longer matches
 * its mapping. Every wait on the database is bounded by the invocation's {@link InvocationDeadline}.
 */
@Module(includes = SyncModule.class)
public interface RdsSyncModule {
  @Multibinds
  Set<RdsTableMapping> tables();

  /** The configured read model: one pool of connections, shared by the sync, the purge and reconcile. */
  record RdsReadModel(RdsSyncHandler sync, TombstonePurge purge, RdsConnections connections, RdsSchema schema) {
    /**
     * The read model as reconcile and resync see it: one target per mapped table, writing through this sync, with
     * {@code ignoredAttributes} left out of the content compared ({@link RdsReconcileTarget#of}).
     */
    public List<RdsReconcileTarget> reconcileTargets(Set<String> ignoredAttributes) {
      return RdsReconcileTarget.of(connections, schema, sync, Clock.systemUTC(), ignoredAttributes);
    }
  }

  @Provides
  @Singleton
  static Optional<RdsReadModel> rdsReadModel(
      @Environment Map<String, String> env,
      Set<RdsTableMapping> tables,
      Optional<AlarmSink> alarms,
      InvocationDeadline deadline) {
    if (!RdsSettings.configured(env)) {
      return Optional.empty();
    }
    if (tables.isEmpty()) {
      throw new IllegalArgumentException(
          "SUITE_RDS_URL is set but the function maps no table: contribute an RdsTableMapping with @Provides @IntoSet");
    }
    RdsSettings settings = RdsSettings.fromEnvironment(env);
    RdsConnections connections = RdsConnections.of(settings, deadline);
    RdsSchema schema = new RdsSchema(connections, List.copyOf(tables));
    return Optional.of(
        new RdsReadModel(
            new RdsSyncHandler(
                connections, schema, Clock.systemUTC(), RdsSyncHandler.DEFAULT_MAX_BATCH_ROWS,
                alarms.orElse(AlarmSink.none())),
            new TombstonePurge(connections, schema, Clock.systemUTC(), settings.tombstoneRetention()),
            connections,
            schema));
  }

  @Provides
  @ElementsIntoSet
  static Set<DataSyncHandler> rdsTarget(Optional<RdsReadModel> readModel) {
    return readModel.<Set<DataSyncHandler>>map(r -> Set.of(r.sync())).orElse(Set.of());
  }

  /** Before a SnapStart snapshot, the pool's idle connections are closed; it reconnects at the next batch. */
  @Provides
  @ElementsIntoSet
  static Set<SnapshotParticipant> rdsSnapshot(Optional<RdsReadModel> readModel) {
    return readModel.<Set<SnapshotParticipant>>map(r -> Set.of(r.connections()::closeIdle)).orElse(Set.of());
  }

  @Provides
  @ElementsIntoSet
  static Set<TombstonePurger> rdsPurge(Optional<RdsReadModel> readModel) {
    return readModel.<Set<TombstonePurger>>map(r -> Set.of(r.purge())).orElse(Set.of());
  }
}
