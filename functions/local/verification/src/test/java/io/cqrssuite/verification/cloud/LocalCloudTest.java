package io.cqrssuite.verification.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.lambda.SamTemplate;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The local cloud's stand-ins against the template they stand in for. */
class LocalCloudTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();

  @Test
  void standInsUseTheTemplatesMappingAndQueueSettings() throws Exception {
    JsonNode resources = SamTemplate.load(ROOT.resolve("template.yaml")).root().path("Resources");
    JsonNode events = resources.path("EventFactoryFunction").path("Properties").path("Events");
    assertThat(events.path("ProductCommandStream").path("Properties").path("BatchSize").asInt()).isEqualTo(LocalCloud.STREAM_BATCH_SIZE);
    assertThat(events.path("ImportChunks").path("Properties").path("BatchSize").asInt()).isEqualTo(LocalCloud.CHUNK_BATCH_SIZE);
    JsonNode queue = resources.path("ImportChunkQueue").path("Properties");
    assertThat(queue.path("VisibilityTimeout").asInt()).isEqualTo(LocalCloud.CHUNK_VISIBILITY_SECONDS);
    assertThat(queue.path("RedrivePolicy").path("maxReceiveCount").asInt()).isEqualTo(LocalCloud.CHUNK_MAX_RECEIVES);
    Set<String> keys = new HashSet<>();
    resources.path("ImportStateMachine").path("Properties").path("DefinitionSubstitutions").fieldNames().forEachRemaining(keys::add);
    assertThat(LocalCloud.importSubstitutions("arn", "url").keySet()).isEqualTo(keys);
  }
}
