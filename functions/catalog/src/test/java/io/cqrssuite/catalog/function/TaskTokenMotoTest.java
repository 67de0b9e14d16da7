package io.cqrssuite.catalog.function;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.MotoServer;

/**
 * {@link TaskTokenContract} on moto's Step Functions and SQS: runs everywhere, no Docker. moto only records the
 * executions it starts unless told to run them; an SQS task runs in moto itself (a Lambda task would need Docker).
 */
class TaskTokenMotoTest extends TaskTokenContract {
  @Override
  AwsEmulator start() {
    MotoServer moto = MotoServer.start();
    try {
      moto.enableStepFunctionsExecution();
    } catch (RuntimeException e) {
      moto.close(); // the contract's @AfterAll has no emulator to close yet
      throw e;
    }
    return moto;
  }
}
