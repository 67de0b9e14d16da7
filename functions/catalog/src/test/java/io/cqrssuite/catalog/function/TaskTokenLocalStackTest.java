package io.cqrssuite.catalog.function;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.LocalStackEmulator;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Testcontainers;

/** {@link TaskTokenContract} on LocalStack's Step Functions and SQS. Needs Docker; skipped without it. */
@Testcontainers(disabledWithoutDocker = true)
class TaskTokenLocalStackTest extends TaskTokenContract {
  @Override
  AwsEmulator start() {
    return LocalStackEmulator.start(Service.STEPFUNCTIONS, Service.SQS);
  }
}
