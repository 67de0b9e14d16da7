package io.cqrssuite.verification.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.testing.aws.StreamsApiHarness;
import io.cqrssuite.verification.workload.StreamDeliveries;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.reliability.deadletter.SqsDeadLetters;
import io.cqrssuite.reliability.alarm.AlarmPublisher;
import io.cqrssuite.reliability.stream.StreamFailureConsumer;
import io.cqrssuite.reliability.stream.StreamFailureResolver;
import io.cqrssuite.reliability.stream.StreamRecordJson;
import java.io.PrintStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The chaos run's shard as the DynamoDB Streams API serves it (the local {@link StreamsApiHarness}: there is no
 * Streams server here), and the suite's own pointer consumer over it: on-failure pointers in, dead-letter envelopes
 * of the full records out.
 */
final class ShardStream implements AutoCloseable {
  private final StreamsApiHarness harness;
  private final DynamoDbStreamsClient client;
  private final String streamArn;

  private ShardStream(StreamsApiHarness harness, DynamoDbStreamsClient client, String streamArn) {
    this.harness = harness;
    this.client = client;
    this.streamArn = streamArn;
  }

  static ShardStream start(String shardId, StreamDeliveries deliveries, List<List<ObjectNode>> passes) {
    StreamsApiHarness harness = StreamsApiHarness.start();
    String streamArn = passes.get(0).get(0).path("eventSourceARN").asText();
    for (List<ObjectNode> records : passes) {
      harness.append(shardId, streamArn, records);
    }
    DynamoDbStreamsClient client =
        DynamoDbStreamsClient.builder()
            .endpointOverride(harness.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("chaos", "chaos")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    return new ShardStream(harness, client, streamArn);
  }

  String streamArn() {
    return streamArn;
  }

  /** Drains the pointer queue into envelopes on the dead-letter queue. */
  StreamFailureConsumer.Summary resolve(SqsClient sqs, String pointerQueue, String deadLetterQueue) {
    ObjectMapper mapper = new ObjectMapper();
    // The consumer's log lines (one per pointer) would interleave with the run's progress; the summary says it all.
    StructuredLog quiet = new StructuredLog("chaos-pointers", new PrintStream(OutputStream.nullOutputStream()), StructuredLog.Level.ERROR);
    StreamFailureConsumer consumer =
        new StreamFailureConsumer(new StreamFailureResolver(client, new StreamRecordJson(JsonNodeFactory.instance)),
            new SqsDeadLetters(sqs, deadLetterQueue, mapper, quiet), AlarmPublisher.none(), mapper, quiet, Clock.systemUTC());
    return consumer.drain(sqs, pointerQueue, Integer.MAX_VALUE, 30);
  }

  @Override
  public void close() {
    client.close();
    harness.close();
  }
}
