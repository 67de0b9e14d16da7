package io.cqrssuite.catalog.function;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Module;
import dagger.Provides;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.catalog.operations.OperationsSettings;
import io.cqrssuite.catalog.product.ProductRdsMapping;
import io.cqrssuite.migrations.deploy.MigrationReadModel;
import io.cqrssuite.operations.SourceTable;
import io.cqrssuite.sync.rds.RdsSyncModule.RdsReadModel;
import java.util.Map;
import java.util.Optional;
import javax.inject.Singleton;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the deploy-time migration takes from the catalog's graph: the relational read model the live sync writes
 * (its reconcile targets as the operations see them, {@link OperationsModule#FED_FROM_COMMANDS} left out of the
 * content compared), the source table the operations read ({@link OperationsModule}), the product canary, and the
 * backup bucket's client.
 */
@Module
public interface SchemaMigrationModule {
  @Provides
  @Singleton
  static MigrationReadModel migrationReadModel(
      Optional<RdsReadModel> rds,
      SourceTable source,
      OperationsSettings settings,
      AwsClients clients,
      AwsSettings aws,
      AlarmSink alarms,
      ObjectMapper mapper) {
    RdsReadModel readModel = rds.orElseThrow(
        () -> new IllegalStateException("SUITE_RDS_URL is not set: there is no relational read model to migrate"));
    S3Client s3 = clients.configureWithSdkRetries(S3Client.builder(), "S3").forcePathStyle(aws.endpointFor("S3") != null).build();
    return new MigrationReadModel(
        readModel.connections(),
        readModel.schema().mappings(),
        readModel.reconcileTargets(OperationsModule.FED_FROM_COMMANDS),
        Map.of(ProductRdsMapping.product().table(), ProductRdsMapping.canaryTemplate(settings.requireSourceTable())),
        source,
        settings.reconcileSegments(),
        settings.changedAttribute(),
        s3,
        alarms,
        mapper);
  }
}
