package io.cqrssuite.verification.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.catalog.product.ProductRdsMapping;
import io.cqrssuite.command.CommandImages;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.operations.SourceTable;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.retry.RetrySettings;
import io.cqrssuite.sync.ChangeSelector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.sync.opensearch.BulkLimits;
import io.cqrssuite.sync.opensearch.OpenSearchBackfill;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.PolledReindex;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchReconcileTarget;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.opensearch.OpenSearchSyncHandler;
import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsReconcileTarget;
import io.cqrssuite.sync.rds.RdsSchema;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.RdsSyncHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The catalog's source table and read-model targets, built from EventFactoryFunction's environment the way its sync
 * builds them, so a reconcile or resync compares and writes exactly what the live sync would. {@link #open} checks
 * every place before it returns (the table exists, the database answers and holds the mapped table, the read alias
 * exists): an operation on an unreachable or unknown place fails before it reads or writes anything.
 */
public final class CatalogOperations implements AutoCloseable {
  /** The read models' names, as the commands' {@code --target} takes them. */
  public static final String RDS = "rds";

  public static final String OPENSEARCH = "opensearch";

  /**
   * The read models are fed from the command table's stream, whose images carry the versioned sort key
   * ({@code code@0000000003}) and the command's TTL; the data table holds the plain code and no TTL. Neither is a
   * difference between the data table and a read model.
   */
  public static final Set<String> FED_FROM_COMMANDS = Set.of("sk", "ttl");

  private static final ObjectMapper JSON = EventJson.newMapper();

  private final DynamoDbClient dynamoDb;
  private final LazyS3 s3;
  private final SourceTable source;
  private final List<ReconcileTarget> targets;
  private final RdsConnections connections;
  private final OpenSearchClient search;
  private final OpenSearchSettings searchSettings;

  private CatalogOperations(
      DynamoDbClient dynamoDb, LazyS3 s3, SourceTable source, List<ReconcileTarget> targets, RdsConnections connections,
      OpenSearchClient search, OpenSearchSettings searchSettings) {
    this.dynamoDb = dynamoDb;
    this.s3 = s3;
    this.source = source;
    this.targets = List.copyOf(targets);
    this.connections = connections;
    this.search = search;
    this.searchSettings = searchSettings;
  }

  /**
   * Opens the source and the read models {@code wanted} ({@link #RDS}, {@link #OPENSEARCH}) that {@code env}
   * configures.
   *
   * @param table the source table's name, or {@code null} for the catalog's data table
   * @throws IllegalArgumentException a place is unknown, unreachable or not what the catalog maps (the message says
   *     which and why)
   */
  public static CatalogOperations open(Map<String, String> env, String table, Set<String> wanted) throws Exception {
    CommandSettings commands =
        CommandSettings.fromEnvironment(env)
            .orElseThrow(() -> new IllegalArgumentException(CommandSettings.TABLE + " is not set: no source table to read"));
    TableMapping mapping = mapping(commands, table);
    AwsClients aws = new AwsClients(AwsSettings.fromEnvironment(env));
    DynamoDbClient dynamoDb = aws.configureWithSdkRetries(DynamoDbClient.builder(), "DynamoDB").build();
    LazyS3 s3 = new LazyS3(aws);
    RdsConnections connections = null;
    OpenSearchClient search = null;
    OpenSearchSettings searchUsed = null;
    try {
      requireTable(dynamoDb, mapping.table());
      CommandImages images = new CommandImages(s3, commands, JSON);
      SourceTable source = new SourceTable(dynamoDb, mapping, images::resolve);
      List<ReconcileTarget> targets = new ArrayList<>();
      if (wanted.contains(RDS) && RdsSettings.configured(env)) {
        connections = RdsConnections.of(RdsSettings.fromEnvironment(env), new InvocationDeadline(RetrySettings.defaults()));
        RdsSchema schema = new RdsSchema(connections, List.of(ProductRdsMapping.product()));
        try {
          schema.verify();
        } catch (Exception e) {
          throw new IllegalArgumentException("the relational read model at " + RdsSettings.fromEnvironment(env).url().replaceAll("\\?.*", "")
              + " cannot be used: " + e.getMessage(), e);
        }
        targets.addAll(RdsReconcileTarget.of(connections, schema, new RdsSyncHandler(connections, schema, Clock.systemUTC()), Clock.systemUTC(),
            FED_FROM_COMMANDS));
      }
      Optional<OpenSearchSettings> searchSettings = OpenSearchSettings.fromEnvironment(env);
      if (wanted.contains(OPENSEARCH) && searchSettings.isPresent()) {
        OpenSearchSettings settings = searchSettings.get();
        searchUsed = settings;
        search = OpenSearchClients.create(settings, AwsSettings.fromEnvironment(env).region());
        requireAlias(search, settings);
        ChangeSelector documents = new ChangeSelector.PkPrefix("PRODUCT#");
        targets.add(new OpenSearchReconcileTarget(search, settings.indexNames(), documents::accepts,
            new OpenSearchSyncHandler(search, settings.indexNames(), BulkLimits.defaults(), documents::accepts)
                .checkingForBackfillEvery(settings.backfillCheck()), Clock.systemUTC(),
            FED_FROM_COMMANDS));
      }
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("no read model to compare with: " + wanted + " asked, none configured (SUITE_RDS_URL,"
            + " SUITE_OPENSEARCH_ENDPOINT)");
      }
      return new CatalogOperations(dynamoDb, s3, source, targets, connections, search, searchUsed);
    } catch (Exception | Error e) {
      closeQuietly(connections, search, dynamoDb, s3);
      throw e;
    }
  }

  /** The source table's mapping: the data table unless {@code table} names another mapped table. */
  static TableMapping mapping(CommandSettings commands, String table) {
    String data = commands.tables().data();
    String wanted = table == null ? data : table;
    if (wanted.equals(commands.tables().command())) {
      throw new IllegalArgumentException("table " + wanted + " is the command log (every version of every entity is an item of"
          + " its own): reconcile and resync read entities, from the data table " + data);
    }
    return commands.tables().tableMappings("product").stream()
        .filter(m -> m.table().equals(wanted))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown table '" + wanted + "': the catalog maps " + data
            + " (its data table) as the products' source"));
  }

  private static void requireTable(DynamoDbClient dynamoDb, String table) {
    try {
      dynamoDb.describeTable(r -> r.tableName(table));
    } catch (ResourceNotFoundException e) {
      throw new IllegalArgumentException("source table " + table + " does not exist", e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("source table " + table + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static void requireAlias(OpenSearchClient search, OpenSearchSettings settings) {
    String alias = settings.indexNames().readAlias();
    boolean exists;
    try {
      exists = search.indices().existsAlias(a -> a.name(alias)).value();
    } catch (Exception e) {
      throw new IllegalArgumentException("OpenSearch at " + settings.endpoint() + " cannot be reached: " + e.getMessage(), e);
    }
    if (!exists) {
      throw new IllegalArgumentException("OpenSearch at " + settings.endpoint() + " has no read alias '" + alias
          + "' (SUITE_OPENSEARCH_INDEX): is it set up, and is this the right domain?");
    }
  }

  public SourceTable source() {
    return source;
  }

  public List<ReconcileTarget> targets() {
    return targets;
  }

  /** The target of {@code name}'s kind ({@link #RDS}, {@link #OPENSEARCH}); empty when that read model is not open. */
  public Optional<ReconcileTarget> target(String kind) {
    Class<?> type = kind.equals(RDS) ? RdsReconcileTarget.class : OpenSearchReconcileTarget.class;
    return targets.stream().filter(type::isInstance).findFirst();
  }

  /** The relational read model's connections, when it is open. */
  public Optional<RdsConnections> connections() {
    return Optional.ofNullable(connections);
  }

  /**
   * The search read model as versions behind its aliases, for a backfill or a mapping migration to {@code template}
   * (a composable index template, as {@code SUITE_OPENSEARCH_TEMPLATE} names one).
   *
   * @param discoveryInterval how long the live sync takes to notice a second target ({@code
   *     SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS})
   */
  public VersionedReadModel searchVersions(ObjectNode template, Duration discoveryInterval) {
    OpenSearchReconcileTarget current = (OpenSearchReconcileTarget) target(OPENSEARCH)
        .orElseThrow(() -> new IllegalStateException("no search read model is open"));
    return new OpenSearchBackfill(new OpenSearchIndexes(search, searchSettings.indexNames(), template), current, discoveryInterval,
        PolledReindex.Options.defaults());
  }

  /**
   * The version of each of {@code ids} a reader finds through the read alias now (a search, so only what the last
   * refresh made searchable); an id not found is absent.
   */
  public Map<String, Long> visibleVersions(List<String> ids) {
    List<FieldValue> values = ids.stream().map(FieldValue::of).toList();
    try {
      Map<String, Long> visible = new HashMap<>();
      search.search(s -> s.index(searchSettings.indexNames().readAlias()).size(values.size())
              .query(q -> q.terms(t -> t.field("id").terms(v -> v.value(values)))), ObjectNode.class)
          .hits().hits().forEach(hit -> {
            if (hit.source() != null) {
              visible.put(hit.id(), hit.source().path("version").asLong());
            }
          });
      return visible;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The index template the search read model is set up with ({@code SUITE_OPENSEARCH_TEMPLATE}). */
  public ObjectNode searchTemplate() {
    return OpenSearchIndexes.template(searchSettings.templateResource());
  }

  @Override
  public void close() {
    closeQuietly(connections, search, dynamoDb, s3);
  }

  private static void closeQuietly(RdsConnections connections, OpenSearchClient search, DynamoDbClient dynamoDb, LazyS3 s3) {
    if (connections != null) {
      connections.close();
    }
    if (search != null) {
      try {
        search._transport().close();
      } catch (Exception ignored) {
        // Closing on the way out: nothing is left to do with it.
      }
    }
    dynamoDb.close();
    s3.close();
  }

  /** S3 only when an offloaded attribute needs it: most sources have none, and the client costs a start-up. */
  private static final class LazyS3 implements Supplier<S3Client>, AutoCloseable {
    private final AwsClients aws;
    private S3Client client;

    LazyS3(AwsClients aws) {
      this.aws = aws;
    }

    @Override
    public synchronized S3Client get() {
      if (client == null) {
        client = aws.configureWithSdkRetries(S3Client.builder(), "S3").build();
      }
      return client;
    }

    @Override
    public synchronized void close() {
      if (client != null) {
        client.close();
      }
    }
  }
}
