package io.cqrssuite.catalog.function;

import io.cqrssuite.handler.EventFactoryHandler;
import java.util.Map;

/**
 * {@code EventFactoryFunction} of the catalog stack: the suite's one entrypoint for S3, SQS, SNS, EventBridge,
 * DynamoDB streams and Step Functions tasks, wired with the catalog's handlers and read models
 * ({@link CatalogComponent}). The object graph is built once per container, in the constructor Lambda calls at init.
 */
public final class CatalogHandler extends EventFactoryHandler {
  public CatalogHandler() {
    this(System.getenv());
  }

  /** For an in-process invoke with a given environment (the template's variables plus overrides). */
  public CatalogHandler(Map<String, String> environment) {
    super(CatalogComponent.create(environment));
  }
}
