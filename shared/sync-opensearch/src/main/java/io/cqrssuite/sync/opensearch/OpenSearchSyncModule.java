package io.cqrssuite.sync.opensearch;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.cqrssuite.aws.AwsModule;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.config.Environment;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.snapshot.SnapshotParticipant;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.DataSyncHandler;
import io.cqrssuite.sync.SyncModule;
import io.cqrssuite.sync.TombstonePurger;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.inject.Singleton;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * An OpenSearch read model for a function's component: when {@code SUITE_OPENSEARCH_ENDPOINT} is set, this module
 * adds an {@link OpenSearchSyncHandler} writing {@code SUITE_OPENSEARCH_INDEX} to the data-sync targets and an
 * {@link OpenSearchTombstonePurge} to the purgers. The function may bind a {@link ChangeSelector} qualified
 * {@link SearchDocuments} to say which changes become documents; without one, every change does. Unset endpoint:
 * nothing is added. Nothing connects at init.
 */
@Module(includes = {SyncModule.class, AwsModule.class})
public interface OpenSearchSyncModule {
  @BindsOptionalOf
  @SearchDocuments
  ChangeSelector documents();

  /** The configured read model: one client, shared by the sync, the purge and reconcile. */
  record OpenSearchReadModel(
      OpenSearchSyncHandler sync,
      OpenSearchTombstonePurge purge,
      OpenSearchClient client,
      IndexNames names,
      Predicate<ChangeRecord> documents,
      Runnable closeIdleConnections) {
    /**
     * The index as reconcile and resync see it, writing through this sync, with {@code ignoredAttributes} left out of
     * the content compared.
     */
    public OpenSearchReconcileTarget reconcileTarget(Set<String> ignoredAttributes) {
      return new OpenSearchReconcileTarget(client, names, documents, sync, Clock.systemUTC(), ignoredAttributes);
    }
  }

  @Provides
  @Singleton
  static Optional<OpenSearchReadModel> openSearchReadModel(
      @Environment Map<String, String> env,
      AwsSettings aws,
      @SearchDocuments Optional<ChangeSelector> documents,
      InvocationDeadline deadline) {
    Optional<OpenSearchSettings> configured = OpenSearchSettings.fromEnvironment(env);
    if (configured.isEmpty()) {
      return Optional.empty();
    }
    OpenSearchSettings settings = configured.get();
    OpenSearchClients.Connected connected = OpenSearchClients.connect(settings, aws.region());
    OpenSearchClient client = connected.client();
    Predicate<ChangeRecord> documented = documents.<Predicate<ChangeRecord>>map(s -> s::accepts).orElse(c -> true);
    OpenSearchSyncHandler sync =
        new OpenSearchSyncHandler(client, settings.indexNames(), settings.bulkLimits(), documented)
            .boundedBy(deadline)
            .checkingForBackfillEvery(settings.backfillCheck());
    OpenSearchIndexes indexes =
        new OpenSearchIndexes(client, settings.indexNames(), OpenSearchIndexes.template(settings.templateResource()));
    return Optional.of(
        new OpenSearchReadModel(
            sync,
            new OpenSearchTombstonePurge(indexes, settings.tombstoneRetention(), Clock.systemUTC()),
            client,
            settings.indexNames(),
            documented,
            connected.closeIdle()));
  }

  @Provides
  @ElementsIntoSet
  static Set<DataSyncHandler> openSearchTarget(Optional<OpenSearchReadModel> readModel) {
    return readModel.<Set<DataSyncHandler>>map(r -> Set.of(r.sync())).orElse(Set.of());
  }

  /** Before a SnapStart snapshot, the client's idle pooled connections are closed; it reconnects on demand. */
  @Provides
  @ElementsIntoSet
  static Set<SnapshotParticipant> openSearchSnapshot(Optional<OpenSearchReadModel> readModel) {
    return readModel.<Set<SnapshotParticipant>>map(r -> Set.of(r.closeIdleConnections()::run)).orElse(Set.of());
  }

  @Provides
  @ElementsIntoSet
  static Set<TombstonePurger> openSearchPurge(Optional<OpenSearchReadModel> readModel) {
    return readModel.<Set<TombstonePurger>>map(r -> Set.of(r.purge())).orElse(Set.of());
  }
}
