package io.cqrssuite.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.catalog.product.ProductRdsMapping;
import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.migrations.Backup;
import io.cqrssuite.migrations.BackupCheck;
import io.cqrssuite.migrations.BackupRefusedException;
import io.cqrssuite.migrations.BackupStore;
import io.cqrssuite.migrations.FlywayMigration;
import io.cqrssuite.migrations.MigrationResult;
import io.cqrssuite.migrations.MigrationSettings;
import io.cqrssuite.migrations.PreCheckReport;
import io.cqrssuite.migrations.RestoreOptions;
import io.cqrssuite.migrations.Restored;
import io.cqrssuite.migrations.ResyncSince;
import io.cqrssuite.operations.Resync;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.RdsSettings;
import com.adobe.testing.s3mock.S3MockApplication;
import io.cqrssuite.testing.aws.S3MockServer;
import io.cqrssuite.verification.operations.CatalogMigrations;
import io.cqrssuite.verification.operations.CatalogOperations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code ./suite migrate}: the catalog's read models migrated through the migration pipeline (pre-checks, backup,
 * Flyway, validation, health check, rollback), and its backups listed, validated, restored and cleaned.
 */
final class MigrateCommand implements Command {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final String EMBEDDED_BUCKET = "suite-schema-backups";

  @Override
  public String name() {
    return "migrate";
  }

  @Override
  public List<Usage> usage() {
    return List.of(
        Usage.of(
            "migrate [--locations L[,L...]] [--tables T[,T...]] [--template FILE] [--apply] [--segments N] [--entities N] [--seed N]",
            "Migrate the read models through the pipeline: pre-checks (connection, pending migrations, locks, free",
            "space where readable), a backup of the tables (default: the mapped ones) and Flyway's history to",
            "SUITE_BACKUP_BUCKET (NDJSON, __meta__, SHA-256, .sha256 sidecar), Flyway over --locations (default",
            "SUITE_RDS_MIGRATIONS) with lock and statement timeouts, validation, a health check (a canary product",
            "write, a sampled reconcile); --template FILE also moves the search model to a new index version from",
            "that index template. Any failure after the backup rolls back (aliases back, tables and history restored,",
            "a resync since the backup). Places as for reconcile: by default embedded engines with a generated",
            "catalog and a local bucket, to try migrations on; on configured places only the pre-checks run unless",
            "--apply. Last line: one JSON object; exit 1 when it rolled back, 2 when refused (nothing changed)."),
        Usage.of(
            "migrate backups list | validate ID | restore ID [--force] [--apply] | clean [--apply]",
            "The backups in SUITE_BACKUP_BUCKET (configured places only): list them; validate one (each file's",
            "SHA-256 against its __meta__ and sidecar; exit 2 when any differs); restore one (refused when damaged,",
            "or when the live history does not extend the backup's unless --force; then a resync since the backup",
            "started); delete those older than SUITE_BACKUP_RETENTION_DAYS. restore and clean need --apply."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    if (arguments.hasNext()) {
      String first = arguments.next();
      if (first.equals("backups")) {
        return backups(arguments, shell);
      }
      arguments = new Arguments(prepend(first, arguments), 0);
    }
    OperationOptions shared = new OperationOptions();
    List<String> locations = null;
    List<String> tables = List.of(ProductRdsMapping.product().table());
    Path templateFile = null;
    while (arguments.hasNext()) {
      String word = arguments.next();
      if (!word.equals("--target") && !word.equals("--table") && shared.take(word, arguments)) {
        continue;
      }
      switch (word) {
        case "--locations" -> locations = Arrays.stream(arguments.value("--locations").split(",")).map(String::trim).toList();
        case "--tables" -> tables = Arrays.stream(arguments.value("--tables").split(",")).map(String::trim).toList();
        case "--template" -> templateFile = Path.of(arguments.value("--template"));
        default -> throw new UsageException("unknown option '" + word + "' for migrate; see ./suite migrate --help");
      }
    }
    ObjectNode template = templateFile == null ? null : template(templateFile);
    try (OperationPlaces places = OperationPlaces.open(shell, "migrate");
        Bucket bucket = Bucket.of(places, shell)) {
      shared.checkFor(places);
      ObjectNode line = JSON.createObjectNode();
      line.put("places", places.describe());
      if (places.embedded()) {
        line.set("load", OperationSteps.loaded(JSON, places.load(shared.entities, shared.seed, shell)));
      }
      try (CatalogOperations operations = OperationSteps.open(places, shared)) {
        if (places.embedded()) {
          OperationSteps.resync(operations, shared.segments, null, null, null, shared.entities, shell);
        }
        RdsSettings rds = RdsSettings.fromEnvironment(places.environment());
        CatalogMigrations migrations = new CatalogMigrations(operations, rds, bucket.settings(), bucket.s3(), JSON);
        List<String> where = locations != null ? locations : rds.migrationLocations();
        if (!places.embedded() && !shared.apply) {
          FlywayMigration flyway = migrations.flyway(where);
          PreCheckReport report = migrations.preChecks(flyway).run(tables);
          ObjectNode dry = line.putObject("migrate");
          dry.put("dryRun", true).put("why", "configured places: migrate runs only the pre-checks unless --apply");
          dry.set("preChecks", report.toJson(JSON));
          shell.out().printf("migrate (dry run): pre-checks %s, %d pending %s; pass --apply to migrate%n",
              report.passed() ? "passed" : "FAILED " + report.failures(), report.pending().size(), report.pending());
          shell.out().println(JSON.writeValueAsString(line));
          if (!report.passed()) {
            throw new UsageException("pre-checks failed, nothing changed: " + String.join("; ", report.failures()));
          }
          return 0;
        }
        MigrationResult result = migrations
            .pipeline(where, template, OpenSearchSettings.fromEnvironment(places.environment()).map(OpenSearchSettings::backfillCheck)
                .orElse(java.time.Duration.ofSeconds(30)), new StderrAlarms(shell), shared.segments)
            .run(tables);
        line.set("migrate", result.toJson(JSON));
        shell.out().printf("migrate %s: schema %s -> %s, %d migration(s)%s%n", result.status().name().toLowerCase(),
            result.schemaVersionBefore(), result.schemaVersionAfter(), result.applied(), result.reason() == null ? "" : "; " + result.reason());
        shell.out().println(JSON.writeValueAsString(line));
        return switch (result.status()) {
          case COMPLETED, CURRENT -> 0;
          case REFUSED -> throw new UsageException("refused, nothing changed: " + result.reason());
          case ROLLED_BACK, ROLLBACK_FAILED -> 1;
        };
      }
    }
  }

  private static int backups(Arguments arguments, Shell shell) throws Exception {
    String action = arguments.hasNext() ? arguments.next() : "";
    String id = null;
    boolean force = false;
    boolean apply = false;
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--force" -> force = true;
        case "--apply" -> apply = true;
        default -> {
          if (word.startsWith("-") || id != null) {
            throw new UsageException("unexpected '" + word + "' for migrate backups " + action);
          }
          id = word;
        }
      }
    }
    if (!List.of("list", "validate", "restore", "clean").contains(action)) {
      throw new UsageException("usage: ./suite migrate backups list | validate ID | restore ID [--force] [--apply] | clean [--apply]");
    }
    if ((action.equals("validate") || action.equals("restore")) == (id == null)) {
      throw new UsageException(action.equals("validate") || action.equals("restore")
          ? "migrate backups " + action + " needs a backup id (see migrate backups list)" : "migrate backups " + action + " takes no id");
    }
    try (OperationPlaces places = OperationPlaces.open(shell, "migrate backups")) {
      if (places.embedded()) {
        throw new UsageException("migrate backups works on configured places (SUITE_RDS_URL, SUITE_BACKUP_BUCKET, ...): embedded"
            + " engines start with no backups");
      }
      try (Bucket bucket = Bucket.of(places, shell);
          CatalogOperations operations = OperationSteps.open(places, new OperationOptions())) {
        RdsSettings rds = RdsSettings.fromEnvironment(places.environment());
        BackupStore store = new CatalogMigrations(operations, rds, bucket.settings(), bucket.s3(), JSON).backups();
        ObjectNode line = JSON.createObjectNode();
        switch (action) {
          case "list" -> {
            List<Backup> all = store.list();
            all.forEach(b -> line.withArray("backups").addObject().put("id", b.id()).put("schemaVersion", b.schemaVersion())
                .put("startedAt", b.startedAt().toString()).put("tables", b.tables().size()));
            shell.out().printf("%d backup(s) in %s%n", all.size(), bucket.settings().requireBucket());
          }
          case "validate" -> {
            BackupCheck check = store.validate(id);
            if (!check.valid()) {
              throw new UsageException("backup " + id + " is damaged: " + String.join("; ", check.problems()));
            }
            line.put("valid", true).put("backupId", id);
            shell.out().printf("backup %s is intact%n", id);
          }
          case "restore" -> {
            if (!apply) {
              BackupCheck check = store.validate(id);
              line.put("dryRun", true).put("valid", check.valid()).put("backupId", id);
              shell.out().printf("restore (dry run) of %s: the backup is %s; pass --apply to restore it%n", id, check.valid() ? "intact" : "DAMAGED");
            } else {
              Restored restored;
              try {
                restored = store.restore(id, force ? new RestoreOptions(true, false) : RestoreOptions.manual());
              } catch (BackupRefusedException e) {
                throw new UsageException("restore refused, nothing changed: " + e.getMessage());
              }
              String restoredId = id;
              Backup backup = store.list().stream().filter(b -> b.id().equals(restoredId)).findFirst().orElseThrow();
              // Writes the live sync made since the backup started are in the source: write them again.
              ObjectNode resync = ResyncSince.of(new Resync(operations.source(), operations.targets(), JSON), 4, "updatedAt")
                  .resync(backup.startedAt());
              line.put("backupId", id).put("schemaVersion", restored.schemaVersion()).put("forced", restored.forced());
              restored.rows().forEach(line.putObject("rows")::put);
              line.set("resync", resync);
              shell.out().printf("restored %s (schema %s)%s, then resynced since %s%n", id, restored.schemaVersion(),
                  restored.forced() ? " by force" : "", backup.startedAt());
            }
          }
          default -> {
            if (!apply) {
              long old = store.list().stream().filter(b -> b.startedAt().isBefore(java.time.Instant.now().minus(bucket.settings().retention()))).count();
              line.put("dryRun", true).put("wouldDelete", old);
              shell.out().printf("clean (dry run): %d backup(s) older than %s; pass --apply to delete them%n", old, bucket.settings().retention());
            } else {
              List<String> deleted = store.clean(bucket.settings().retention());
              deleted.forEach(line.withArray("deleted")::add);
              shell.out().printf("deleted %d backup(s) older than %s%n", deleted.size(), bucket.settings().retention());
            }
          }
        }
        shell.out().println(JSON.writeValueAsString(line));
        return 0;
      }
    }
  }

  private static String[] prepend(String first, Arguments rest) {
    List<String> words = new ArrayList<>(List.of(first));
    while (rest.hasNext()) {
      words.add(rest.next());
    }
    return words.toArray(String[]::new);
  }

  private static ObjectNode template(Path file) {
    try {
      var node = JSON.readTree(Files.readString(file));
      if (!node.isObject()) {
        throw new UsageException("--template " + file + " is not a JSON object (an index template)");
      }
      return (ObjectNode) node;
    } catch (java.io.IOException e) {
      throw new UsageException("--template " + file + " cannot be read: " + e.getMessage());
    }
  }

  /** Where backups go: SUITE_BACKUP_BUCKET on configured places, a local S3 stand-in's bucket on embedded ones. */
  private record Bucket(MigrationSettings settings, S3Client s3, S3MockApplication store) implements AutoCloseable {
    static Bucket of(OperationPlaces places, Shell shell) throws java.io.IOException {
      Map<String, String> env = places.environment();
      if (!places.embedded()) {
        MigrationSettings settings = MigrationSettings.fromEnvironment(env);
        String bucket = shell.env().get("SUITE_BACKUP_BUCKET");
        if (bucket == null || bucket.isBlank()) {
          throw new UsageException("SUITE_BACKUP_BUCKET is not set: a migration is never run without a backup, and backups live there");
        }
        S3Client s3 = new AwsClients(AwsSettings.fromEnvironment(env)).configureWithSdkRetries(S3Client.builder(), "S3").build();
        return new Bucket(settings, s3, null);
      }
      // S3Mock, not the run's object store: backups are listed, and the list is S3's.
      S3MockApplication store = S3MockServer.start(EMBEDDED_BUCKET, Files.createTempDirectory("suite-schema-backups"));
      env.put("SUITE_BACKUP_BUCKET", EMBEDDED_BUCKET);
      S3Client s3 = S3Client.builder().endpointOverride(java.net.URI.create("http://127.0.0.1:" + store.getHttpPort())).forcePathStyle(true)
          .region(software.amazon.awssdk.regions.Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
      return new Bucket(MigrationSettings.fromEnvironment(env), s3, store);
    }

    @Override
    public void close() {
      s3.close();
      if (store != null) {
        store.stop();
      }
    }
  }

  /** The pipeline's alarms on stderr: the deployed custom resource publishes them to the alarm topic instead. */
  private record StderrAlarms(Shell shell) implements AlarmSink {
    @Override
    public String source() {
      return "suite-migrate";
    }

    @Override
    public void raise(Collection<Alarm> alarms) {
      alarms.forEach(a -> shell.err().printf("alarm %s %s: %s%n", a.severity(), a.errorClass(), a.errorMessage()));
    }
  }
}
