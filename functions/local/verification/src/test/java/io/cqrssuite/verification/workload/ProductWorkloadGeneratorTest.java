package io.cqrssuite.verification.workload;

import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.entity.Resolution;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.factory.InboundBatch;
import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The generated workload and its delivery: what the main job's check relies on. */
class ProductWorkloadGeneratorTest {
  private static final WorkloadOptions SMALL = WorkloadOptions.defaults().withEntities(300).withVersions(6);

  @Test
  void theSameSeedGivesTheSameLogAndAnotherSeedAnother() {
    List<ProductCommand> a = ProductWorkloadGenerator.generate(SMALL);
    List<ProductCommand> b = ProductWorkloadGenerator.generate(SMALL);
    List<ProductCommand> c = ProductWorkloadGenerator.generate(SMALL.withSeed(7));
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void everyProductHasEachVersionOnceInIncreasingOrder() {
    Map<String, Long> last = new HashMap<>();
    Map<String, Set<Long>> versions = new HashMap<>();
    for (ProductCommand command : ProductWorkloadGenerator.generate(SMALL)) {
      if (command.expiry()) {
        assertThat(versions.get(command.id())).as("an expiry follows its command").contains(command.version());
        continue;
      }
      assertThat(command.version()).isGreaterThan(last.getOrDefault(command.id(), 0L));
      last.put(command.id(), command.version());
      versions.computeIfAbsent(command.id(), k -> new TreeSet<>()).add(command.version());
      assertThat(command.image().path("sk").asText()).isEqualTo(command.code() + "@" + String.format("%010d", command.version()));
      assertThat(command.image().path("version").asLong()).isEqualTo(command.version());
      assertThat(command.image().path("isDeleted").asBoolean()).isEqualTo(command.deleted());
    }
    assertThat(versions).hasSize(300).allSatisfy((id, v) -> assertThat(v).containsExactly(1L, 2L, 3L, 4L, 5L, 6L));
  }

  @Test
  void theLogHoldsDeletesRecreationsAndExpiries() {
    List<ProductCommand> log = ProductWorkloadGenerator.generate(SMALL);
    ExpectedState expected = ExpectedState.of(log);
    long deletedAtEnd = expected.entities().values().stream().filter(ExpectedState.Entry::deleted).count();
    assertThat(deletedAtEnd).isBetween(10L, 60L);
    assertThat(log.stream().filter(ProductCommand::expiry).count()).isPositive();
    Set<String> recreated = new HashSet<>();
    for (ProductCommand command : log) {
      if (command.deleted() && command.version() < SMALL.versions()) {
        recreated.add(command.id());
      }
    }
    assertThat(recreated).as("deleted midway, alive again later").isNotEmpty();
    assertThat(recreated).anySatisfy(id -> assertThat(expected.entities().get(id).deleted()).isFalse());
  }

  @Test
  void expectedStateIsTheHighestVersionIgnoringExpiries() {
    ObjectNode image = JsonNodeFactory.instance.objectNode();
    List<ProductCommand> log =
        List.of(
            new ProductCommand("acme", "P-1", 1, false, false, image),
            new ProductCommand("acme", "P-1", 3, true, false, image),
            new ProductCommand("acme", "P-1", 2, false, false, image),
            new ProductCommand("acme", "P-1", 4, false, true, image),
            new ProductCommand("acme", "P-2", 1, false, false, image));
    ExpectedState expected = ExpectedState.of(log);
    assertThat(expected.entities().get("PRODUCT#acme#P-1").version()).isEqualTo(3);
    assertThat(expected.entities().get("PRODUCT#acme#P-1").deleted()).isTrue();
    assertThat(expected.alive()).isEqualTo(1);
  }

  @Test
  void deliveriesAreLambdasStreamShapeWithDuplicatesAndTheSuiteReadsBackEveryImage() throws Exception {
    List<ProductCommand> log = ProductWorkloadGenerator.generate(SMALL);
    StreamDeliveries stream = new StreamDeliveries("dev-catalog-product-command");
    List<ObjectNode> records = stream.records(log, SMALL);
    assertThat(records.size()).isEqualTo(log.size() + Math.round(log.size() * SMALL.duplicateRate()));
    assertThat(records.stream().map(r -> r.path("dynamodb").path("SequenceNumber").asText()).distinct().count()).isEqualTo(log.size());

    EventDecoder decoder = new EventDecoder(EventJson.newMapper(), new DefaultEventFactory());
    Map<String, ProductCommand> bySequence = new HashMap<>();
    long sequence = 100_000_000_000_000_000L;
    for (ProductCommand command : log) {
      bySequence.put(Long.toString(sequence += 100), command);
    }
    ObjectMapper json = new ObjectMapper();
    int ttl = 0;
    for (byte[] batch : StreamDeliveries.batches(records, 100)) {
      InboundBatch inbound = decoder.decode(new ByteArrayInputStream(batch));
      assertThat(inbound.records()).hasSizeLessThanOrEqualTo(100).allSatisfy(r -> assertThat(r.rejected()).isFalse());
      for (var record : inbound.records()) {
        DataChangeEvent change = (DataChangeEvent) record.events().get(0);
        ProductCommand command = bySequence.get(change.sequenceNumber());
        if (command.expiry()) {
          ttl++;
          assertThat(change.removedByTtl()).isTrue();
          assertThat(ProductTables.resolve(change)).isInstanceOf(Resolution.Housekeeping.class);
          continue;
        }
        ChangeRecord normalised = ProductTables.change(change);
        assertThat(normalised.id()).isEqualTo(command.id());
        assertThat(normalised.version()).isEqualTo(command.version());
        assertThat(normalised.deleted()).isEqualTo(command.deleted());
        JsonNode expected = json.readTree(command.image().toString());
        assertThat(json.readTree(normalised.image().toString())).isEqualTo(expected);
      }
    }
    assertThat(ttl).isPositive();
  }
}
