package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.bench.Samples;
import io.cqrssuite.event.ChangeRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A product change to the bytes of its live document ({@link DocumentProjection}: the suite's identity fields first,
 * reserved image attributes left out), against Jackson serializing the same image as it is.
 *
 * <p>In this package (in the bench module) because {@code DocumentProjection} is, rightly, not API.
 */
@State(Scope.Benchmark)
public class DocumentProjectionBenchmark {
  private ChangeRecord change;
  private ObjectMapper mapper;
  private DocumentProjection projection;

  @Setup
  public void setUp() {
    change = Samples.productChange();
    mapper = new ObjectMapper();
    projection = new DocumentProjection(mapper);
  }

  @Benchmark
  public byte[] suite() {
    return projection.live(change);
  }

  @Benchmark
  public byte[] baseline() throws JsonProcessingException {
    return mapper.writeValueAsBytes(change.image());
  }
}
