package io.cqrssuite.reliability.idempotency;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.LocalStackEmulator;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Testcontainers;

/** {@link IdempotencyStoreContract} on LocalStack's DynamoDB. Needs Docker; skipped without it. */
@Testcontainers(disabledWithoutDocker = true)
class IdempotencyStoreLocalStackTest extends IdempotencyStoreContract {
  @Override
  AwsEmulator start() {
    return LocalStackEmulator.start(Service.DYNAMODB);
  }
}
