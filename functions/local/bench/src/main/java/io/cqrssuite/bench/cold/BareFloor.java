package io.cqrssuite.bench.cold;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Floor (a): the least any Java handler of these events does, parse the event with Jackson, and nothing else. */
public final class BareFloor implements RequestStreamHandler {
  private final ObjectMapper json = new ObjectMapper();

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = json.readTree(input);
    if (event == null || event.isMissingNode()) {
      throw new IOException("empty event");
    }
    output.write("null".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
