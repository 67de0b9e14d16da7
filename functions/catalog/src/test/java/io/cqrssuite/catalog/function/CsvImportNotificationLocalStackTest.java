package io.cqrssuite.catalog.function;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.LocalStackEmulator;
import java.time.Instant;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@link CsvImportNotificationContract} on LocalStack's S3, SQS and Step Functions, which also sends the fields of
 * S3's event that moto leaves out (and that the event id of contract §3 is built from). Needs Docker; skipped
 * without it.
 */
@Testcontainers(disabledWithoutDocker = true)
class CsvImportNotificationLocalStackTest extends CsvImportNotificationContract {
  @Override
  AwsEmulator start() {
    return LocalStackEmulator.start(Service.S3, Service.SQS, Service.STEPFUNCTIONS);
  }

  @Override
  void checkFieldsMotoLacks(JsonNode s3Record) {
    assertThat(s3Record.path("s3").path("object").path("sequencer").asText()).as("sequencer").isNotEmpty();
    assertThat(s3Record.path("userIdentity").path("principalId").isMissingNode()).as("userIdentity").isFalse();
    assertThat(Instant.parse(s3Record.path("eventTime").asText())).as("eventTime in UTC").isNotNull();
  }
}
