package io.cqrssuite.reliability.stream;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.LocalStackEmulator;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Testcontainers;

/** {@link StreamFailurePointerContract} on LocalStack's DynamoDB Streams. Needs Docker; skipped without it. */
@Testcontainers(disabledWithoutDocker = true)
class StreamFailurePointerLocalStackTest extends StreamFailurePointerContract {
  @Override
  AwsEmulator start() {
    return LocalStackEmulator.start(Service.DYNAMODB);
  }
}
