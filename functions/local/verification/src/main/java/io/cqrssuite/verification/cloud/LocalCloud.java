package io.cqrssuite.verification.cloud;

import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.aws.LocalObjectStore;
import io.cqrssuite.testing.aws.QueueEventSource;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.catalog.imports.ImportSettings;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.testing.stepfunctions.LambdaInvokeBridge;
import io.cqrssuite.testing.stepfunctions.LocalStepFunctions;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The AWS side of {@code EventFactoryFunction} on one machine, for {@code ./suite run} and {@code ./suite bench
 * import}: dynalite (the command, data, history and import-progress tables), ElasticMQ (the import chunk queue and
 * its DLQ), an S3 stand-in ({@link LocalObjectStore}: the import and command buckets), the local Step Functions
 * harness running the real {@code csv-import.asl.json} with the template's {@code DefinitionSubstitutions} pointed at
 * these, its Lambda tasks bridged to the function in this JVM, a stand-in for the chunk queue's event-source mapping
 * ({@link QueueEventSource}, {@code BatchSize 1}) and one for the command table's stream ({@link CommandTableStream}).
 * The function gets every endpoint through its environment ({@link #environment()}), as it would get AWS's.
 * Credentials are dummies. Figures measured here are those of the harness (aws-local-stepfunctions) and dynalite.
 */
public final class LocalCloud implements AutoCloseable {
  /** The stage the names are made for, as the template's {@code Stage} parameter. */
  public static final String STAGE = "dev";
  public static final String FUNCTION_NAME = STAGE + "-catalog-event-factory";
  public static final String IMPORT_BUCKET = STAGE + "-catalog-imports";
  public static final String COMMAND_BUCKET = STAGE + "-catalog-commands";
  /** The schema backups of the run's migration stage. */
  public static final String BACKUP_BUCKET = STAGE + "-catalog-schema-backups";
  public static final String PROGRESS_TABLE = STAGE + "-catalog-import-progress";
  public static final String IMPORT_STATE_MACHINE = STAGE + "-catalog-csv-import";
  public static final String CHUNK_QUEUE = STAGE + "-catalog-import-chunks";
  /** The template's {@code ProductCommandStream} mapping's {@code BatchSize}. */
  public static final int STREAM_BATCH_SIZE = 500;
  /** The template's {@code ImportChunks} mapping's {@code BatchSize}: a chunk gets the invocation to itself. */
  public static final int CHUNK_BATCH_SIZE = 1;
  /** The template's {@code ImportChunkQueue}: {@code VisibilityTimeout} and the redrive's {@code maxReceiveCount}. */
  static final int CHUNK_VISIBILITY_SECONDS = 360;
  static final int CHUNK_MAX_RECEIVES = 3;

  private static final String ACCOUNT = LocalStepFunctions.ACCOUNT;
  private static final String REGION = "us-east-1";

  private final Deque<AutoCloseable> resources;
  private final Map<String, String> environment;
  private final CatalogHandler function;
  private final LocalDynamoDb dynamoDb;
  private final LocalObjectStore objects;
  private final S3Client s3;
  private final SfnClient sfn;
  private final CommandTables tables;
  private final CommandTableStream commandStream;
  private final QueueEventSource chunkSource;
  private final String stateMachineArn;

  private LocalCloud(Builder parts) {
    this.resources = parts.resources;
    this.environment = Map.copyOf(parts.environment);
    this.function = parts.function;
    this.dynamoDb = parts.dynamoDb;
    this.objects = parts.objects;
    this.s3 = parts.s3;
    this.sfn = parts.sfn;
    this.tables = parts.tables;
    this.commandStream = parts.commandStream;
    this.chunkSource = parts.chunkSource;
    this.stateMachineArn = parts.stateMachineArn;
  }

  /** What the local cloud needs from its caller. */
  public record Options(Path root, Path dynaliteCli, WorkflowRuntime workflowRuntime, int chunkRows, PrintStream harnessLog) {}

  /**
   * Starts everything and returns the cloud; {@code functionEnvironment} is the function's environment so far (the
   * template's, with the read models' settings), to which the endpoints and names of this cloud are added.
   */
  public static LocalCloud start(Options options, Map<String, String> functionEnvironment) throws IOException {
    // The function's SDK clients take the default credentials chain; against these stand-ins any key will do.
    if (System.getenv("AWS_ACCESS_KEY_ID") == null && System.getProperty("aws.accessKeyId") == null) {
      System.setProperty("aws.accessKeyId", "local");
      System.setProperty("aws.secretAccessKey", "local");
    }
    Builder parts = new Builder();
    try {
      parts.build(options, functionEnvironment);
      return new LocalCloud(parts);
    } catch (IOException | RuntimeException e) {
      closeAll(parts.resources);
      throw e;
    }
  }

  /** The function's environment: the caller's, with every endpoint and name of this cloud. */
  public Map<String, String> environment() {
    return environment;
  }

  /** The function, as the bridge, the queue stand-in and the stream stand-in invoke it. */
  public CatalogHandler function() {
    return function;
  }

  public LocalDynamoDb dynamoDb() {
    return dynamoDb;
  }

  public LocalObjectStore objects() {
    return objects;
  }

  /** An S3 client of the stand-in (path-style, dummy credentials). */
  public S3Client s3() {
    return s3;
  }

  /** A Step Functions client of the harness. */
  public SfnClient stepFunctions() {
    return sfn;
  }

  public CommandTables tables() {
    return tables;
  }

  public CommandTableStream commandStream() {
    return commandStream;
  }

  public QueueEventSource chunkSource() {
    return chunkSource;
  }

  public String importStateMachineArn() {
    return stateMachineArn;
  }

  @Override
  public void close() {
    closeAll(resources);
  }

  /** The template's {@code DefinitionSubstitutions} of {@code ImportStateMachine}, pointed at this cloud. */
  static Map<String, String> importSubstitutions(String functionArn, String queueUrl) {
    Map<String, String> substitutions = new LinkedHashMap<>();
    substitutions.put("EventFactoryFunctionArn", functionArn);
    substitutions.put("ImportChunkQueueUrl", queueUrl);
    substitutions.put("AlarmTopicArn", "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":" + STAGE + "-catalog-alarms");
    return substitutions;
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        // Stopping a local stand-in: nothing is lost if it complains.
      }
    }
  }

  /** The parts while they start; whatever started is closed, last first, when a later part fails. */
  private static final class Builder {
    final Deque<AutoCloseable> resources = new ArrayDeque<>();
    final Map<String, String> environment = new LinkedHashMap<>();
    CatalogHandler function;
    LocalDynamoDb dynamoDb;
    LocalObjectStore objects;
    S3Client s3;
    SfnClient sfn;
    CommandTables tables;
    CommandTableStream commandStream;
    QueueEventSource chunkSource;
    String stateMachineArn;

    void build(Options options, Map<String, String> functionEnvironment) throws IOException {
      dynamoDb = LocalDynamoDb.start(options.dynaliteCli());
      resources.push(dynamoDb);
      tables = CommandTables.named(STAGE + "-catalog-product");
      for (String table : List.of(tables.command(), tables.data(), tables.history())) {
        dynamoDb.createTable(table, "pk", "sk");
      }
      dynamoDb.createTable(PROGRESS_TABLE, "pk", null);

      objects = LocalObjectStore.start(IMPORT_BUCKET, COMMAND_BUCKET, BACKUP_BUCKET);
      resources.push(objects);

      SQSRestServer sqsServer = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
      resources.push(sqsServer::stopAndWait);
      URI sqsEndpoint = URI.create("http://127.0.0.1:" + sqsServer.waitUntilStarted().localAddress().getPort());

      AwsSettings aws = new AwsSettings(REGION,
          Map.of("DYNAMODB", dynamoDb.endpoint(), "S3", objects.endpoint(), "SQS", sqsEndpoint), null, 3, Duration.ofSeconds(30));
      AwsClients clients = new AwsClients(aws);
      StaticCredentialsProvider dummy = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
      SqsClient sqs = clients.configure(SqsClient.builder(), "SQS").credentialsProvider(dummy).build();
      resources.push(sqs);
      s3 = clients.configure(S3Client.builder(), "S3").forcePathStyle(true).credentialsProvider(dummy).build();
      resources.push(s3);

      String dlqUrl = sqs.createQueue(r -> r.queueName(CHUNK_QUEUE + "-dlq")).queueUrl();
      String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
          .attributes().get(QueueAttributeName.QUEUE_ARN);
      // As the template's ImportChunkQueue: VisibilityTimeout 360, three receives, then the DLQ.
      String queueUrl = sqs.createQueue(r -> r.queueName(CHUNK_QUEUE).attributes(Map.of(
          QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(CHUNK_VISIBILITY_SECONDS),
          QueueAttributeName.REDRIVE_POLICY,
          "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + CHUNK_MAX_RECEIVES + "\"}"))).queueUrl();
      String queueArn = "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + CHUNK_QUEUE;

      // The bridge and the harness must know each other's address before the function (which calls the harness)
      // exists, so the bridge invokes whatever function is set once all are up.
      AtomicReference<CatalogHandler> invoked = new AtomicReference<>();
      RequestStreamHandler late = (in, out, context) -> invoked.get().handleRequest(in, out, context);
      LambdaInvokeBridge bridge = LambdaInvokeBridge.start(Map.of(FUNCTION_NAME, late));
      resources.push(bridge);
      String functionArn = "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + FUNCTION_NAME + ":live";
      Map<String, String> substitutions = importSubstitutions(functionArn, queueUrl);
      LocalStepFunctions harness = LocalStepFunctions.builder(options.workflowRuntime())
          .stateMachine(IMPORT_STATE_MACHINE, options.root().resolve("infra/statemachine/csv-import.asl.json"), substitutions)
          .sqsEndpoint(sqsEndpoint)
          .lambdas(bridge)
          .region(REGION)
          .log(options.harnessLog())
          .start();
      resources.push(harness);
      stateMachineArn = harness.stateMachineArn(IMPORT_STATE_MACHINE);
      sfn = new AwsClients(new AwsSettings(REGION, Map.of("SFN", harness.endpoint()), null, 3, Duration.ofSeconds(30)))
          .configure(SfnClient.builder(), "SFN").credentialsProvider(dummy).build();
      resources.push(sfn);

      environment.putAll(functionEnvironment);
      environment.put("AWS_REGION", REGION);
      environment.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
      environment.put("AWS_ENDPOINT_URL_S3", objects.endpoint().toString());
      environment.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint.toString());
      environment.put("AWS_ENDPOINT_URL_SFN", harness.endpoint().toString());
      environment.put(CommandSettings.TABLE, tables.command());
      environment.put(CommandSettings.DATA_TABLE, tables.data());
      environment.put(CommandSettings.HISTORY_TABLE, tables.history());
      environment.put(CommandSettings.BUCKET, COMMAND_BUCKET);
      // The template maps the same tables (stage dev); without a template the command side's own layout.
      environment.putIfAbsent(TableMappingConfig.VARIABLE, TableMappingConfig.format(tables.tableMappings("product")));
      environment.put("SUITE_COMMAND_SYNC_MODE", "direct");
      environment.put(ImportSettings.STATE_MACHINE_ARN, stateMachineArn);
      environment.put(ImportSettings.PROGRESS_TABLE, PROGRESS_TABLE);
      environment.put(ImportSettings.CHUNK_ROWS, Integer.toString(options.chunkRows()));
      environment.putIfAbsent(ImportSettings.MAX_CONCURRENCY, Integer.toString(ImportSettings.DEFAULT_MAX_CONCURRENCY));
      function = new CatalogHandler(environment);
      invoked.set(function);

      commandStream = new CommandTableStream(dynamoDb.client(), tables.command());
      int concurrency = Integer.parseInt(environment.get(ImportSettings.MAX_CONCURRENCY));
      chunkSource = QueueEventSource.start(sqs, queueUrl, queueArn, function, CHUNK_BATCH_SIZE, concurrency, options.harnessLog());
      resources.push(chunkSource);
    }
  }
}
