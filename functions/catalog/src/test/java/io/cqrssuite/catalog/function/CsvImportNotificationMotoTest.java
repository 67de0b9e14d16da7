package io.cqrssuite.catalog.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.testing.aws.MotoServer;
import java.io.UncheckedIOException;

/**
 * {@link CsvImportNotificationContract} on moto's S3, SQS and Step Functions: runs everywhere, no Docker. It checks
 * the routing and the filters, and the one execution per object version; nothing that needs S3's
 * {@code sequencer}, which moto does not send.
 */
class CsvImportNotificationMotoTest extends CsvImportNotificationContract {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  AwsEmulator start() {
    return MotoServer.start();
  }

  /**
   * moto 5.2.1 writes {@code eventTime} without a zone ({@code 2026-12-05T11:29:11.073931}); S3 always writes UTC
   * with {@code Z}, and the event factory rightly refuses anything else, so the zone is added here.
   */
  @Override
  String asAwsWritesIt(String body) {
    try {
      JsonNode notification = JSON.readTree(body);
      for (JsonNode record : notification.path("Records")) {
        String time = record.path("eventTime").asText();
        if (!time.isEmpty() && !time.endsWith("Z")) {
          ((ObjectNode) record).put("eventTime", time + "Z");
        }
      }
      return JSON.writeValueAsString(notification);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
