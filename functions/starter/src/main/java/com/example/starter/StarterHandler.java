package com.example.starter;

import io.cqrssuite.handler.EventFactoryHandler;
import java.util.Map;

/**
 * The function's Lambda handler ({@code template.yaml}: {@code com.example.starter.StarterHandler::handleRequest}):
 * the suite's one entrypoint for SQS, DynamoDB streams and the other sources, wired with this function's
 * {@link StarterComponent}. The object graph is built once per container, in the constructor Lambda calls at init.
 */
public final class StarterHandler extends EventFactoryHandler {
  /** What Lambda calls: the settings are the function's environment variables. */
  public StarterHandler() {
    this(System.getenv());
  }

  /** For tests and local invokes: the same function with the given settings. */
  public StarterHandler(Map<String, String> environment) {
    super(StarterComponent.create(environment));
  }
}
