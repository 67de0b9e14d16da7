/**
 * The migration pipeline as a deploy-time step: {@link io.cqrssuite.migrations.deploy.DeployTimeMigration} is the
 * relational read model's {@link io.cqrssuite.deploy.ReadModelSetup} of a {@code Custom::SchemaMigration} resource,
 * running {@link io.cqrssuite.migrations.MigrationPipeline} over the pieces the function's own graph provides
 * ({@link io.cqrssuite.migrations.deploy.MigrationReadModel}); {@link io.cqrssuite.migrations.deploy.CloudFormationStackStatus}
 * tells the resource when CloudFormation is rolling the stack back, so that its rollback update does nothing.
 */
package io.cqrssuite.migrations.deploy;
