package io.cqrssuite.testing.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What the LocalStack tests share: the image, SDK clients pointed at the container, the function's AWS environment,
 * and an SQS message turned into the record Lambda's SQS event source delivers. The function itself reads
 * credentials from the default chain, so the tests set the {@code aws.accessKeyId} / {@code aws.secretAccessKey}
 * system properties (saved and restored) to LocalStack's.
 */
public final class LocalStackFixture {
  public static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
  private final LocalStackContainer container;
  private final Map<String, String> saved = new HashMap<>();

  public LocalStackFixture(LocalStackContainer container) {
    this.container = container;
    for (String name : PROPERTIES) {
      saved.put(name, System.getProperty(name));
    }
    System.setProperty("aws.accessKeyId", container.getAccessKey());
    System.setProperty("aws.secretAccessKey", container.getSecretKey());
  }

  /** A client of the container for {@code service} (the suite's {@link AwsSettings} name: "SQS", "SFN", ...). */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String service) {
    return clients().configure(builder, service)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey())))
        .build();
  }

  private AwsClients clients() {
    URI endpoint = container.getEndpoint();
    return new AwsClients(new AwsSettings(container.getRegion(), Map.of(), endpoint, 1, Duration.ofSeconds(30)));
  }

  /** The function's environment: every AWS service at the container. */
  public Map<String, String> functionEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", container.getRegion());
    env.put("AWS_ENDPOINT_URL", container.getEndpoint().toString());
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    return env;
  }

  /** A received message as the record of an SQS event (what the event-source mapping hands the function). */
  public static ObjectNode sqsRecord(Message message, String queueArn, String region) {
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    record.put("messageId", message.messageId());
    record.put("receiptHandle", message.receiptHandle());
    record.put("body", message.body());
    ObjectNode attributes = record.putObject("attributes");
    message.attributesAsStrings().forEach(attributes::put);
    attributes.put("ApproximateReceiveCount", message.attributesAsStrings().getOrDefault("ApproximateReceiveCount", "1"));
    ObjectNode messageAttributes = record.putObject("messageAttributes");
    message.messageAttributes().forEach((name, value) -> {
      ObjectNode attribute = messageAttributes.putObject(name);
      attribute.put("stringValue", value.stringValue());
      attribute.put("dataType", value.dataType());
    });
    record.put("md5OfBody", message.md5OfBody());
    record.put("eventSource", "aws:sqs");
    record.put("eventSourceARN", queueArn);
    record.put("awsRegion", region);
    return record;
  }

  public void restore() {
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }
}
