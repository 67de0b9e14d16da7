package io.cqrssuite.testing.permissions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Every AWS SDK call of the process, recorded as its IAM action and the resource it names while a
 * {@link Recording} runs; nothing otherwise. Registered for every client through the SDK's global interceptor list
 * ({@code software/amazon/awssdk/global/handlers/execution.interceptors}), so the functions' own clients are
 * recorded without any hook in their code. Runs after signing, to tell the harness's calls by their access key id.
 */
public final class CallRecorder implements ExecutionInterceptor {
  /** SDK service names whose IAM prefix is not their lower-cased name. */
  private static final Map<String, String> IAM_PREFIX =
      Map.of("DynamoDbStreams", "dynamodb", "Sfn", "states", "DynamoDB", "dynamodb", "DynamoDb", "dynamodb");
  /** The request members that name a resource, most specific first. */
  private static final String[] RESOURCE_FIELDS = {
    "TableName", "QueueUrl", "TopicArn", "StreamArn", "stateMachineArn", "executionArn", "SecretId", "Bucket", "StackName"
  };

  private final ThreadLocal<String> lastStream = new ThreadLocal<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    Recording recording = Recording.current();
    if (recording == null) {
      return;
    }
    String authorization = context.httpRequest().firstMatchingHeader("Authorization").orElse("");
    if (recording.isHarness(accessKeyId(authorization))) {
      return;
    }
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    String prefix = IAM_PREFIX.getOrDefault(service, service.toLowerCase(Locale.ROOT));
    List<String[]> perTable = perTable(context.request());
    if (perTable != null) {
      perTable.forEach(call -> recording.add("dynamodb:" + call[0], call[1]));
      return;
    }
    recording.add(prefix + ":" + action(prefix, operation, context.request()), resource(context.request(), operation));
  }

  /**
   * The DynamoDB calls that name many tables, as IAM authorises them: a batch call as itself on each table it
   * names; {@code TransactWriteItems} as each action it carries ({@code PutItem}, {@code UpdateItem},
   * {@code DeleteItem}, {@code ConditionCheckItem}) on that action's table. {@code null} for any other call.
   */
  static List<String[]> perTable(SdkRequest request) {
    List<String[]> calls = new ArrayList<>();
    if (request instanceof BatchGetItemRequest batch) {
      batch.requestItems().keySet().forEach(table -> calls.add(new String[] {"BatchGetItem", table}));
    } else if (request instanceof BatchWriteItemRequest batch) {
      batch.requestItems().keySet().forEach(table -> calls.add(new String[] {"BatchWriteItem", table}));
    } else if (request instanceof TransactWriteItemsRequest transaction) {
      for (TransactWriteItem item : transaction.transactItems()) {
        if (item.put() != null) {
          calls.add(new String[] {"PutItem", item.put().tableName()});
        } else if (item.update() != null) {
          calls.add(new String[] {"UpdateItem", item.update().tableName()});
        } else if (item.delete() != null) {
          calls.add(new String[] {"DeleteItem", item.delete().tableName()});
        } else if (item.conditionCheck() != null) {
          calls.add(new String[] {"ConditionCheckItem", item.conditionCheck().tableName()});
        }
      }
    } else {
      return null;
    }
    return calls;
  }

  /**
   * The IAM action an operation needs where it is not the operation's name: SQS's batch calls are authorised as
   * their single forms, and S3 reads of a given version need {@code s3:GetObjectVersion} (a {@code HeadObject}
   * is authorised as {@code s3:GetObject}).
   */
  static String action(String prefix, String operation, SdkRequest request) {
    if ("sqs".equals(prefix) && operation.endsWith("Batch")) {
      return operation.substring(0, operation.length() - "Batch".length());
    }
    if ("s3".equals(prefix) && ("GetObject".equals(operation) || "HeadObject".equals(operation))) {
      return request.getValueForField("VersionId", String.class).isPresent() ? "GetObjectVersion" : "GetObject";
    }
    return operation;
  }

  private String resource(SdkRequest request, String operation) {
    for (String field : RESOURCE_FIELDS) {
      String value = request.getValueForField(field, String.class).orElse(null);
      if (value != null) {
        if ("StreamArn".equals(field)) {
          lastStream.set(value);
        }
        if ("Bucket".equals(field)) {
          return value + "/" + request.getValueForField("Key", String.class).orElse("");
        }
        return value;
      }
    }
    // GetRecords names a shard iterator only: the stream is the one its iterator was asked for on this thread.
    return "GetRecords".equals(operation) ? lastStream.get() : null;
  }

  /** {@code AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...} gives {@code AKID}. */
  static String accessKeyId(String authorization) {
    int at = authorization.indexOf("Credential=");
    if (at < 0) {
      return "";
    }
    int end = authorization.indexOf('/', at);
    return end < 0 ? "" : authorization.substring(at + "Credential=".length(), end);
  }
}
