package io.cqrssuite.cli;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;

/** A test function that answers with the environment it was built with and the event it got. */
public final class EnvEchoHandler implements RequestStreamHandler {
  private final Map<String, String> environment;

  public EnvEchoHandler(Map<String, String> environment) {
    this.environment = new TreeMap<>(environment);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
    ObjectMapper json = new ObjectMapper();
    var reply = json.createObjectNode();
    reply.set("environment", json.valueToTree(environment));
    reply.set("event", json.readTree(input));
    reply.put("remainingMillisPositive", context.getRemainingTimeInMillis() > 0);
    json.writeValue(output, reply);
  }
}
