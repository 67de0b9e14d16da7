package io.cqrssuite.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.factory.InboundBatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding per source: one sample delivery of {@code events/} from its bytes to the typed events the handlers get
 * ({@link EventDecoder}: source detection, nested deliveries unwrapped, attribute values converted), against a bare
 * {@code readTree} of the same bytes with the same mapper, which is the parse the decoder starts with.
 */
@State(Scope.Benchmark)
public class DecodeBenchmark {
  @Param({"s3", "sqs", "sns", "eventbridge", "stepfunctions", "dynamodb"})
  public String source;

  private byte[] bytes;
  private ObjectMapper mapper;
  private EventDecoder decoder;

  @Setup
  public void setUp() {
    bytes = Samples.delivery(source);
    mapper = EventJson.newMapper();
    decoder = new EventDecoder(mapper, new DefaultEventFactory());
    // Measures the path a good delivery takes: a sample that a change made invalid must fail here, not be timed.
    Samples.decodedEvent(source);
  }

  @Benchmark
  public InboundBatch suite() {
    return decoder.decode(new ByteArrayInputStream(bytes));
  }

  @Benchmark
  public JsonNode baseline() throws IOException {
    return mapper.readTree(new ByteArrayInputStream(bytes));
  }
}
