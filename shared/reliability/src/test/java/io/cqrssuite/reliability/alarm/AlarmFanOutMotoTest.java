package io.cqrssuite.reliability.alarm;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.MotoServer;

/** {@link AlarmFanOutContract} on moto's SNS and SQS: runs everywhere, no Docker. */
class AlarmFanOutMotoTest extends AlarmFanOutContract {
  @Override
  AwsEmulator start() {
    return MotoServer.start();
  }
}
