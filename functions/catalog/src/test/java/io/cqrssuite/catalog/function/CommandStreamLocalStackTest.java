package io.cqrssuite.catalog.function;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.LocalStackEmulator;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Testcontainers;

/** {@link CommandStreamContract} on LocalStack's DynamoDB and its stream. Needs Docker; skipped without it. */
@Testcontainers(disabledWithoutDocker = true)
class CommandStreamLocalStackTest extends CommandStreamContract {
  @Override
  AwsEmulator start() {
    return LocalStackEmulator.start(Service.DYNAMODB);
  }
}
