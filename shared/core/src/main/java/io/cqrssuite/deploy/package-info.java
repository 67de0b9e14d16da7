/**
 * Deploy-time setup of read models: each read-model module contributes a {@link io.cqrssuite.deploy.ReadModelSetup}
 * step (migrations, index templates), and {@link io.cqrssuite.deploy.ReadModelSetupHandler} runs them as a
 * CloudFormation custom resource that always answers.
 */
package io.cqrssuite.deploy;
