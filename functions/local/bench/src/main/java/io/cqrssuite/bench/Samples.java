package io.cqrssuite.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The inputs the benchmarks share: the repository's sample deliveries ({@code events/}, copied onto the class path at
 * build time) and the product change they project, so that every benchmark measures the same realistic shapes.
 */
public final class Samples {
  /** One sample delivery per source, by the name the decoding benchmark's parameter uses. */
  public static final Map<String, String> DELIVERIES =
      Map.of(
          "s3", "s3/csv-import-object-created.json",
          "sqs", "sqs/standard-batch.json",
          "sns", "sns/notification.json",
          "eventbridge", "eventbridge/custom.json",
          "stepfunctions", "stepfunctions/task-with-token.json",
          "dynamodb", "dynamodb/product-data-changes.json");

  private Samples() {}

  /** The bytes of the sample delivery for {@code source} (a key of {@link #DELIVERIES}). */
  public static byte[] delivery(String source) {
    String path = DELIVERIES.get(source);
    if (path == null) {
      throw new IllegalArgumentException("no sample delivery for source '" + source + "'; known: " + DELIVERIES.keySet());
    }
    try (InputStream in = Samples.class.getResourceAsStream("/events/" + path)) {
      if (in == null) {
        throw new IllegalStateException("events/" + path + " is not on the class path: rebuild functions/local/bench");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read events/" + path, e);
    }
  }

  /**
   * The first record of a sample delivery, decoded by the suite with the pass-through factory: an event as a
   * handler receives it. Fails when the sample does not decode cleanly, so no benchmark measures a rejection path.
   */
  public static DomainEvent decodedEvent(String source) {
    ObjectMapper mapper = EventJson.newMapper();
    InboundBatch batch =
        new EventDecoder(mapper, new DefaultEventFactory()).decode(new ByteArrayInputStream(delivery(source)));
    InboundRecord first = batch.records().get(0);
    if (first.rejected()) {
      throw new IllegalStateException("the sample " + DELIVERIES.get(source) + " is rejected", first.rejection());
    }
    return first.events().get(0);
  }

  /** The first product record's {@code NewImage} in DynamoDB's attribute-value JSON, as the stream carries it. */
  public static ObjectNode productAttributeValues() {
    try {
      JsonNode root = EventJson.newMapper().readTree(delivery("dynamodb"));
      return (ObjectNode) root.path("Records").path(0).path("dynamodb").path("NewImage");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first product record as the sync handlers see it: a live change with the converted image. */
  public static ChangeRecord productChange() {
    DataChangeEvent change = (DataChangeEvent) decodedEvent("dynamodb");
    ObjectNode image = change.newImage();
    String pk = image.get("pk").textValue();
    String code = image.get("code").textValue();
    return new ChangeRecord(
        change.tableName(), pk, code, ChangeRecord.idOf(pk, code), image.get("version").longValue(), false, image, "product");
  }
}
