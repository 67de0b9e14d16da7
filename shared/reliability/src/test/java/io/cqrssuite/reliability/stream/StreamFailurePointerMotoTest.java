package io.cqrssuite.reliability.stream;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.MotoServer;

/** {@link StreamFailurePointerContract} on moto's DynamoDB Streams (one shard): runs everywhere, no Docker. */
class StreamFailurePointerMotoTest extends StreamFailurePointerContract {
  @Override
  AwsEmulator start() {
    return MotoServer.start();
  }
}
