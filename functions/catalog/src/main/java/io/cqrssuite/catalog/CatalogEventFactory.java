package io.cqrssuite.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.catalog.imports.CsvImportChunk;
import io.cqrssuite.catalog.imports.CsvImportPlanRequested;
import io.cqrssuite.catalog.imports.CsvImportSummaryRequested;
import io.cqrssuite.catalog.imports.CsvImportRequested;
import io.cqrssuite.catalog.order.OrderMessages;
import io.cqrssuite.catalog.schedule.ScheduledTick;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventFactory;
import io.cqrssuite.factory.RoutingEventFactory;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import java.util.List;
import javax.inject.Inject;

/**
 * The example's routing, the Java counterpart of seed 004's {@code CustomEventFactory}: new CSVs under
 * {@code imports/csv/} become import requests, order messages become order events (whichever of SQS, SNS or
 * EventBridge carried them), the import workflow's plan, chunk and summary tasks go to the import handlers,
 * schedule ticks become ticks. Product changes reach handlers as the suite's {@code DataChangeEvent}.
 *
 * <p>The catalogue watches only new objects under {@code imports/csv/}; other S3 notifications (removals, other
 * prefixes) are acknowledged and ignored by this decision, not dropped by accident: an empty list is the
 * factory's way to say "nothing to do".
 */
public final class CatalogEventFactory implements EventFactory {
  static final String IMPORTS = "imports/csv/";
  private final EventFactory routes;

  @Inject
  public CatalogEventFactory(ObjectMapper mapper) {
    OrderMessages orders = new OrderMessages(mapper);
    this.routes =
        RoutingEventFactory.builder()
            .s3KeyPrefix(IMPORTS, CsvImportRequested::of)
            .sqsMessageType("ORDER_CREATED", orders::created)
            .sqsMessageType("ORDER_CANCELLED", orders::cancelled)
            .snsMessageType("ORDER_CREATED", orders::created)
            .eventBridgeDetailType("OrderShipped", orders::shipped)
            .eventBridgeDetailType("Scheduled Event", ScheduledTick::of)
            .taskType(CsvImportPlanRequested.TYPE, CsvImportPlanRequested::of)
            .taskType(CsvImportChunk.TYPE, CsvImportChunk::of)
            .taskType(CsvImportSummaryRequested.TYPE, CsvImportSummaryRequested::of)
            .fallback(new DefaultEventFactory())
            .build();
  }

  @Override
  public List<DomainEvent> transformS3(S3ObjectEvent event) {
    return event.isCreated() && event.key().startsWith(IMPORTS) ? routes.transformS3(event) : List.of();
  }

  @Override
  public List<DomainEvent> transformSqs(SqsMessageEvent event) {
    return routes.transformSqs(event);
  }

  @Override
  public List<DomainEvent> transformSns(SnsMessageEvent event) {
    return routes.transformSns(event);
  }

  @Override
  public List<DomainEvent> transformEventBridge(EventBridgeEvent event) {
    return routes.transformEventBridge(event);
  }

  @Override
  public List<DomainEvent> transformDynamodbStream(DataChangeEvent event) {
    return routes.transformDynamodbStream(event);
  }

  @Override
  public List<DomainEvent> transformStepFunction(TaskEvent event) {
    return routes.transformStepFunction(event);
  }
}
