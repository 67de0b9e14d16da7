package io.cqrssuite.reliability.idempotency;

import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.MotoServer;

/** {@link IdempotencyStoreContract} on moto's DynamoDB: runs everywhere, no Docker. */
class IdempotencyStoreMotoTest extends IdempotencyStoreContract {
  @Override
  AwsEmulator start() {
    return MotoServer.start();
  }
}
