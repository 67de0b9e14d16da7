package io.cqrssuite.reliability.alarm;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.LocalStackEmulator;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Testcontainers;

/** {@link AlarmFanOutContract} on LocalStack's SNS and SQS. Needs Docker; skipped without it. */
@Testcontainers(disabledWithoutDocker = true)
class AlarmFanOutLocalStackTest extends AlarmFanOutContract {
  @Override
  AwsEmulator start() {
    return LocalStackEmulator.start(Service.SNS, Service.SQS);
  }
}
