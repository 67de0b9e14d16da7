package io.cqrssuite.testing.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Many AWS services behind one endpoint, for tests that need the real wire protocol and the services' own
 * semantics (a notification routed by S3, a message fanned out by SNS, a record written to a real stream): moto
 * ({@link MotoServer}, a child process, no Docker) or LocalStack ({@link LocalStackEmulator}, Docker). A test body
 * written against this interface runs on either, so what LocalStack alone can show stays in its variant and the
 * rest runs everywhere.
 *
 * <p>While an emulator is open, the {@code aws.accessKeyId} and {@code aws.secretAccessKey} system properties hold
 * its credentials, because the function under test reads the default credentials chain; {@link #close()} restores
 * them.
 */
public interface AwsEmulator extends AutoCloseable {
  URI endpoint();

  String region();

  AwsBasicCredentials credentials();

  /** The account ARNs carry: moto's {@code 123456789012}, LocalStack's {@code 000000000000}. */
  String accountId();

  /**
   * A client of the emulator for {@code service} (the suite's {@link AwsSettings} name: "SQS", "SFN", ...). S3
   * clients use path-style addressing: an emulator on a loopback address has no bucket subdomains.
   */
  default <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String service) {
    B configured = new AwsClients(new AwsSettings(region(), Map.of(), endpoint(), 1, Duration.ofSeconds(30)))
        .configure(builder, service)
        .credentialsProvider(StaticCredentialsProvider.create(credentials()));
    if (configured instanceof S3ClientBuilder s3) {
      s3.forcePathStyle(true);
    }
    return configured.build();
  }

  /** The function's environment, a mutable map: every AWS service at the emulator, quiet logs, no metrics. */
  default Map<String, String> functionEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", region());
    env.put("AWS_ENDPOINT_URL", endpoint().toString());
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    return env;
  }

  /** A received message as the record of an SQS event (what the event-source mapping hands the function). */
  static ObjectNode sqsRecord(Message message, String queueArn, String region) {
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

  /** Stops the emulator and restores the credential system properties. */
  @Override
  void close();
}
