package io.cqrssuite.catalog.function;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.MotoServer;

/** {@link CommandStreamContract} on moto's DynamoDB and its stream (one shard): runs everywhere, no Docker. */
class CommandStreamMotoTest extends CommandStreamContract {
  @Override
  AwsEmulator start() {
    return MotoServer.start();
  }
}
