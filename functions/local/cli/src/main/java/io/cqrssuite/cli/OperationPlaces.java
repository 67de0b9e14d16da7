package io.cqrssuite.cli;

import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.verification.LocalReadModels;
import io.cqrssuite.verification.cloud.LocalCloud;
import io.cqrssuite.verification.operations.SourceLoad;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where {@code reconcile} and {@code resync} work, decided once from what the shell configures, by the rule of
 * {@code dlq replay} (docs/operations.md):
 * <ul>
 *   <li><b>embedded</b>, the default when the shell names no source table ({@value CommandSettings#TABLE}) and no read
 *       model: dynalite for the source, filled with the generated catalog, and embedded PostgreSQL and OpenSearch,
 *       all gone when the command ends;
 *   <li><b>configured</b>: the source table the shell names (AWS, or the endpoint of {@code AWS_ENDPOINT_URL_DYNAMODB})
 *       and the read models it configures, and nothing embedded beside them. Writes there run dry unless
 *       {@code --apply} says otherwise.
 * </ul>
 * Anything in between (a source without a read model, read models without a source) is refused: an embedded engine
 * beside a real place would compare or write the wrong data.
 */
final class OperationPlaces implements AutoCloseable {
  private final boolean embedded;
  private final Map<String, String> environment;
  private final LocalDynamoDb dynalite;
  private final LocalReadModels readModels;

  private OperationPlaces(boolean embedded, Map<String, String> environment, LocalDynamoDb dynalite, LocalReadModels readModels) {
    this.embedded = embedded;
    this.environment = environment;
    this.dynalite = dynalite;
    this.readModels = readModels;
  }

  static OperationPlaces open(Shell shell, String command) throws IOException {
    Map<String, String> shellEnv = shell.env();
    boolean source = given(shellEnv, CommandSettings.TABLE);
    List<String> readModels = WriteTargets.READ_MODELS.stream().filter(v -> given(shellEnv, v)).toList();
    Map<String, String> environment = EventFactoryEnvironment.quiet(EventFactoryEnvironment.of(shell.root(), shellEnv), shellEnv);
    if (source || !readModels.isEmpty()) {
      if (!source) {
        throw new UsageException("refused: " + String.join(", ", readModels) + " configured but no source table: set " + CommandSettings.TABLE
            + " (and AWS_ENDPOINT_URL_DYNAMODB for a local DynamoDB), or unset the read models for the embedded default");
      }
      if (readModels.isEmpty()) {
        throw new UsageException("refused: " + CommandSettings.TABLE + "=" + shellEnv.get(CommandSettings.TABLE) + " is configured but no read"
            + " model: set SUITE_RDS_URL and/or SUITE_OPENSEARCH_ENDPOINT (" + command + " never puts embedded engines beside a"
            + " configured source)");
      }
      // Only what the shell configures: a read model the template names but the shell does not is left out.
      WriteTargets.READ_MODELS.stream().filter(v -> !readModels.contains(v)).forEach(environment::remove);
      return new OperationPlaces(false, environment, null, null);
    }
    EventFactoryEnvironment.withoutReadModels(environment);
    LocalDynamoDb dynalite =
        LocalDynamoDb.start(LocalDynamoDb.cli(shellEnv, shell.root())
            .orElseThrow(() -> new UsageException("the embedded default needs dynalite: " + LocalDynamoDb.INSTALL_HINT)));
    LocalReadModels models = null;
    try {
      environment.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
      if (System.getProperty("aws.accessKeyId") == null && !shellEnv.containsKey("AWS_ACCESS_KEY_ID")) {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
      }
      // The template names the tables by reference to the stack; locally they get the local cloud's names.
      CommandTables tables = CommandTables.named(LocalCloud.STAGE + "-catalog-product");
      environment.put(CommandSettings.TABLE, tables.command());
      environment.put(CommandSettings.DATA_TABLE, tables.data());
      environment.put(CommandSettings.HISTORY_TABLE, tables.history());
      dynalite.createTable(tables.data(), "pk", "sk");
      models = LocalReadModels.start(shell.root(), environment, shell.err(), Set.copyOf(WriteTargets.READ_MODELS));
      environment.putAll(models.settings());
      return new OperationPlaces(true, environment, dynalite, models);
    } catch (IOException | RuntimeException e) {
      if (models != null) {
        models.close();
      }
      dynalite.close();
      throw e;
    }
  }

  boolean embedded() {
    return embedded;
  }

  /** EventFactoryFunction's environment pointed at the places. */
  Map<String, String> environment() {
    return environment;
  }

  /** Fills the embedded source with the generated catalog. */
  SourceLoad.Loaded load(int entities, long seed, Shell shell) throws Exception {
    if (!embedded) {
      throw new IllegalStateException("only the embedded source is generated");
    }
    String table = CommandSettings.fromEnvironment(environment).orElseThrow().tables().data();
    return SourceLoad.load(dynalite.client(), table, entities, seed, shell.err());
  }

  /** The embedded source's DynamoDB, for a live stream beside an operation. */
  software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb() {
    if (!embedded) {
      throw new IllegalStateException("only the embedded source is written by the suite's own live stream");
    }
    return dynalite.client();
  }

  /** "embedded" or "configured", for the JSON line. */
  String describe() {
    return embedded ? "embedded" : "configured";
  }

  private static boolean given(Map<String, String> env, String variable) {
    String value = env.get(variable);
    return value != null && !value.isBlank();
  }

  @Override
  public void close() {
    if (readModels != null) {
      readModels.close();
    }
    if (dynalite != null) {
      dynalite.close();
    }
  }
}
