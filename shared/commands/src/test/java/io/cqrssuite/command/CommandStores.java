package io.cqrssuite.command;

import com.adobe.testing.s3mock.S3MockApplication;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.aws.S3MockServer;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the command side's wire tests run against: dynalite for DynamoDB and S3Mock in this JVM, with the system
 * properties they need set (test credentials for the SDK's default chain; Spring Boot's logging kept out, since this
 * module logs through SLF4J 1.7 while S3Mock expects Logback) and restored at {@link #close()}.
 */
final class CommandStores implements AutoCloseable {
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "org.springframework.boot.logging.LoggingSystem"};

  private final Map<String, String> saved = new LinkedHashMap<>();
  private LocalDynamoDb dynalite;
  private DynamoDbClient dynamoDb;
  private S3MockApplication s3Server;
  private S3Client s3;

  private CommandStores() {}

  /** Starts both, with {@code bucket} created; {@code interceptors} see every call of the S3 client. */
  static CommandStores start(String bucket, ExecutionInterceptor... interceptors) throws Exception {
    CommandStores stores = new CommandStores();
    try {
      for (String name : PROPERTIES) {
        stores.saved.put(name, System.getProperty(name));
      }
      System.setProperty("aws.accessKeyId", "test");
      System.setProperty("aws.secretAccessKey", "test");
      System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
      stores.dynalite = LocalDynamoDb.start();
      stores.dynamoDb = LocalDynamoDb.client(stores.dynalite.endpoint());
      stores.s3Server = S3MockServer.start(bucket, Files.createTempDirectory("s3mock-commands"));
      Map<String, String> env = Map.of(
          "AWS_REGION", "us-east-1", "SUITE_AWS_MAX_ATTEMPTS", "1", "SUITE_AWS_CALL_TIMEOUT_MS", "5000",
          "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + stores.s3Server.getHttpPort());
      stores.s3 = new AwsClients(AwsSettings.fromEnvironment(env)).configure(S3Client.builder(), "S3")
          .forcePathStyle(true)
          .overrideConfiguration(o -> {
            for (ExecutionInterceptor interceptor : interceptors) {
              o.addExecutionInterceptor(interceptor);
            }
          })
          .build();
      return stores;
    } catch (Exception | Error e) {
      stores.close();
      throw e;
    }
  }

  DynamoDbClient dynamoDb() {
    return dynamoDb;
  }

  S3Client s3() {
    return s3;
  }

  @Override
  public void close() {
    if (s3 != null) {
      s3.close();
    }
    if (s3Server != null) {
      s3Server.stop();
    }
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (dynalite != null) {
      dynalite.close();
    }
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }
}
