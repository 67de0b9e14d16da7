package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.report.NdjsonReport;
import io.cqrssuite.sync.rds.RdsConnections;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Backups of the relational read model in S3, one folder per backup under the prefix:
 * {@code <prefix><id>/tables/<table>.ndjson} per table (Flyway's {@code flyway_schema_history} among them) and
 * {@code <prefix><id>/manifest.ndjson}, each an {@link NdjsonReport} (its {@code __meta__} line holds the table, the
 * dialect, the schema version at backup time, the row count, the start time, the table's {@link TableDefinition} and
 * the SHA-256 of its lines) with a {@code <key>.sha256} sidecar object over the whole file. With a KMS key configured
 * every object is written with SSE-KMS: backups hold the read model's rows, personal data included.
 *
 * <p>All tables are read in one {@code REPEATABLE READ} transaction, so the copies and the history agree with each
 * other.
 *
 * <p><b>The restore rule.</b> A backup is restored only when (1) every hash agrees: the object against its sidecar and
 * the manifest, its lines against its {@code __meta__}; (2) it agrees with itself: each table's recorded schema version
 * is the manifest's, and that is the latest successful version of the history it carries; and (3) the database
 * descends from it: the backup's history is a prefix of the live history (same ranks, versions and checksums). A
 * rollback restores onto a failed newer schema, whose history is the backup's plus the migrations since, so it
 * passes; a backup of another database, or of another branch of migrations, does not. Only (3) can be overridden
 * ({@link RestoreOptions#force()}); a damaged backup is never restored. A refused restore changes nothing.
 */
public final class BackupStore {
  static final String MANIFEST = "manifest.ndjson";
  /** Room for {@code __restore} and {@code __failed} within the engines' 64 characters. */
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,54}");
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String kmsKeyId;
  private final RdsConnections connections;
  private final EngineCatalog catalog;
  private final ObjectMapper mapper;
  private final Clock clock;

  public BackupStore(S3Client s3, MigrationSettings settings, RdsConnections connections, ObjectMapper mapper, Clock clock) {
    this.s3 = s3;
    this.bucket = settings.requireBucket();
    this.prefix = settings.prefix();
    this.kmsKeyId = settings.kmsKeyId();
    this.connections = connections;
    this.catalog = EngineCatalog.of(connections.dialect());
    this.mapper = mapper;
    this.clock = clock;
  }

  /**
   * Backs up {@code tables} (those that do not exist are recorded as absent, so a restore drops them) and Flyway's
   * history.
   *
   * @throws IllegalArgumentException for a table name that is not a plain lower-case identifier of at most 55
   *     characters
   */
  public Backup create(List<String> tables) throws Exception {
    List<String> names = new ArrayList<>();
    for (String table : tables) {
      if (table == null || !TABLE.matcher(table).matches() || table.equals(EngineCatalog.HISTORY)) {
        throw new IllegalArgumentException(
            "cannot back up table '" + table + "': name a table of the read model, lower case, at most 55 characters"
                + " (the history table is always included)");
      }
      if (!names.contains(table)) {
        names.add(table);
      }
    }
    names.add(EngineCatalog.HISTORY);
    Instant started = clock.instant();
    String id = ID_TIME.format(started) + "-" + randomSuffix();
    Path dir = Files.createTempDirectory("schema-backup-");
    try {
      List<Backup.TableCopy> copies = new ArrayList<>();
      List<String> schemaTables;
      String version;
      try (RdsConnections.Lease lease = connections.borrow()) {
        // Its session settings (isolation, time zone) are the backup's own: the connection is not lent again.
        lease.evict();
        Connection connection = lease.connection();
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        catalog.prepareSession(connection);
        schemaTables = catalog.baseTables(connection);
        version = SchemaHistory.currentVersion(SchemaHistory.live(connection, catalog)).orElse(null);
        TableExport export = new TableExport(catalog, mapper);
        for (String table : names) {
          Optional<TableDefinition> definition = catalog.definition(connection, table);
          if (definition.isEmpty()) {
            copies.add(new Backup.TableCopy(table, true, 0, null, null));
            continue;
          }
          ObjectNode fields = mapper.createObjectNode();
          fields.put("kind", "schema-backup-table");
          fields.put("backupId", id);
          fields.put("dialect", catalog.name());
          fields.put("schemaVersion", version);
          fields.put("startedAt", started.toString());
          NdjsonReport.Written written = export.write(connection, definition.get(), dir.resolve("table-" + table + ".ndjson"), fields);
          String key = key(id, "tables/" + table + ".ndjson");
          upload(key, written.file(), written.checksumFile());
          copies.add(new Backup.TableCopy(table, false, written.count(), key, written.fileSha256()));
        }
        connection.commit();
      }
      ObjectNode meta = mapper.createObjectNode();
      meta.put("kind", "schema-backup");
      meta.put("backupId", id);
      meta.put("dialect", catalog.name());
      meta.put("schemaVersion", version);
      meta.put("startedAt", started.toString());
      meta.put("finishedAt", clock.instant().toString());
      schemaTables.forEach(meta.putArray("schemaTables")::add);
      NdjsonReport.Written manifest;
      try (NdjsonReport report = NdjsonReport.create(dir.resolve(MANIFEST), mapper)) {
        for (Backup.TableCopy copy : copies) {
          ObjectNode line = mapper.createObjectNode();
          line.put("table", copy.table());
          line.put("absent", copy.absent());
          line.put("rows", copy.rows());
          line.put("key", copy.key());
          line.put("sha256", copy.sha256());
          report.line(line);
        }
        manifest = report.finish(meta);
      }
      upload(key(id, MANIFEST), manifest.file(), manifest.checksumFile());
      return new Backup(id, catalog.name(), version, started, copies, schemaTables);
    } finally {
      deleteTree(dir);
    }
  }

  /** The backups whose manifest reads and checks, oldest first; {@link #validate} says what is wrong with the others. */
  public List<Backup> list() throws Exception {
    List<Backup> backups = new ArrayList<>();
    for (String id : ids()) {
      Path dir = Files.createTempDirectory("schema-backup-");
      try {
        List<String> problems = new ArrayList<>();
        Optional<Backup> backup = manifest(id, dir, problems);
        if (problems.isEmpty()) {
          backup.ifPresent(backups::add);
        }
      } finally {
        deleteTree(dir);
      }
    }
    return backups;
  }

  /** Checks every object of the backup: its SHA-256 against its sidecar and the manifest, its lines against its meta. */
  public BackupCheck validate(String backupId) throws Exception {
    Path dir = Files.createTempDirectory("schema-backup-");
    try {
      List<String> problems = new ArrayList<>();
      fetch(backupId, dir, problems);
      return new BackupCheck(backupId, problems);
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Restores the backup's tables and Flyway's history (see the class comment for the rule and {@link TableRestorer}
   * for how each engine does it safely).
   *
   * @throws BackupRefusedException when the rule refuses it; nothing was changed
   */
  public Restored restore(String backupId, RestoreOptions options) throws Exception {
    Path dir = Files.createTempDirectory("schema-backup-");
    try {
      List<String> problems = new ArrayList<>();
      Fetched fetched = fetch(backupId, dir, problems);
      if (!problems.isEmpty()) {
        throw new BackupRefusedException(
            "backup " + backupId + " is refused, nothing was changed: " + String.join("; ", problems));
      }
      Backup backup = fetched.backup();
      TableImage history = fetched.images().get(EngineCatalog.HISTORY);
      List<SchemaHistory.Entry> backupHistory = history == null ? List.of() : SchemaHistory.of(history, mapper);
      String carried = SchemaHistory.currentVersion(backupHistory).orElse(null);
      if (!java.util.Objects.equals(carried, backup.schemaVersion())) {
        throw new BackupRefusedException(
            "backup " + backupId + " is refused, nothing was changed: it records schema version " + backup.schemaVersion()
                + " but the history it carries ends at " + carried);
      }
      try (RdsConnections.Lease lease = connections.borrow()) {
        lease.evict();
        Connection connection = lease.connection();
        Optional<String> divergence = SchemaHistory.firstDivergence(backupHistory, SchemaHistory.live(connection, catalog));
        connection.commit();
        if (divergence.isPresent() && !options.force()) {
          throw new BackupRefusedException(
              "backup " + backupId + " (schema version " + backup.schemaVersion() + ") is refused, nothing was changed:"
                  + " this database's history does not descend from it (" + divergence.get() + "); restore it with"
                  + " force only if this is the database it was taken of");
        }
        List<TableImage> images = new ArrayList<>();
        List<String> toDrop = new ArrayList<>();
        for (Backup.TableCopy copy : backup.tables()) {
          if (copy.absent()) {
            toDrop.add(copy.table());
          } else if (!copy.table().equals(EngineCatalog.HISTORY)) {
            images.add(fetched.images().get(copy.table()));
          }
        }
        if (history != null) {
          images.add(history);
        }
        if (options.dropTablesCreatedSince()) {
          Set<String> then = new HashSet<>(backup.schemaTables());
          for (String table : catalog.baseTables(connection)) {
            if (!then.contains(table) && !toDrop.contains(table) && fetched.images().get(table) == null
                && !table.endsWith(MariaDbRestore.RESTORE_SUFFIX) && !table.endsWith(MariaDbRestore.FAILED_SUFFIX)) {
              toDrop.add(table);
            }
          }
          connection.commit();
        }
        TableRestorer.of(catalog, mapper).restore(connection, images, toDrop);
        Map<String, Long> rows = new LinkedHashMap<>();
        images.forEach(image -> rows.put(image.table(), image.rows()));
        return new Restored(backupId, backup.schemaVersion(), rows, toDrop, divergence.isPresent());
      }
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Deletes the backups older than {@code retention} (by the time in their id), every object of each.
   *
   * @return the ids deleted
   */
  public List<String> clean(Duration retention) {
    Instant horizon = clock.instant().minus(retention);
    List<String> deleted = new ArrayList<>();
    for (String id : ids()) {
      Instant taken;
      try {
        taken = Instant.from(ID_TIME.parse(id.substring(0, Math.min(id.length(), 16))));
      } catch (DateTimeParseException e) {
        // Not one of ours: a backup folder's name always starts with its time.
        continue;
      }
      if (!taken.isBefore(horizon)) {
        continue;
      }
      List<ObjectIdentifier> objects = new ArrayList<>();
      s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + id + "/")).contents().stream()
          .map(S3Object::key)
          .forEach(key -> objects.add(ObjectIdentifier.builder().key(key).build()));
      for (int start = 0; start < objects.size(); start += 1000) {
        List<ObjectIdentifier> chunk = objects.subList(start, Math.min(objects.size(), start + 1000));
        s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(chunk).quiet(true)));
      }
      deleted.add(id);
    }
    return deleted;
  }

  private List<String> ids() {
    List<String> ids = new ArrayList<>();
    s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix).delimiter("/")).commonPrefixes().stream()
        .map(CommonPrefix::prefix)
        .map(p -> p.substring(prefix.length(), p.length() - 1))
        .forEach(ids::add);
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  private static String randomSuffix() {
    byte[] bytes = new byte[3];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private String key(String id, String name) {
    return prefix + id + "/" + name;
  }

  private void upload(String key, Path file, Path checksum) {
    s3.putObject(put(key), RequestBody.fromFile(file));
    s3.putObject(put(key + ".sha256"), RequestBody.fromFile(checksum));
  }

  private PutObjectRequest put(String key) {
    PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key);
    if (kmsKeyId != null) {
      request.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(kmsKeyId);
    }
    return request.build();
  }

  /** A backup downloaded and checked: its manifest and each present table's image (by table). */
  private record Fetched(Backup backup, Map<String, TableImage> images) {}

  private Fetched fetch(String backupId, Path dir, List<String> problems) throws Exception {
    Optional<Backup> manifest = manifest(backupId, dir, problems);
    if (manifest.isEmpty()) {
      return new Fetched(null, Map.of());
    }
    Backup backup = manifest.get();
    Map<String, TableImage> images = new LinkedHashMap<>();
    for (Backup.TableCopy copy : backup.tables()) {
      if (copy.absent()) {
        continue;
      }
      Path file = dir.resolve("table-" + copy.table() + ".ndjson");
      Optional<ObjectNode> meta = verified(copy.key(), file, copy.sha256(), problems);
      if (meta.isEmpty()) {
        continue;
      }
      ObjectNode m = meta.get();
      if (!backupId.equals(m.path("backupId").asText()) || !copy.table().equals(m.path("table").asText())
          || m.path("count").asLong() != copy.rows()
          || !java.util.Objects.equals(text(m.get("schemaVersion")), backup.schemaVersion())) {
        problems.add(copy.key() + ": its meta (backup " + m.path("backupId").asText() + ", table " + m.path("table").asText()
            + ", " + m.path("count").asLong() + " rows, schema version " + text(m.get("schemaVersion"))
            + ") does not match the manifest");
        continue;
      }
      images.put(copy.table(), TableImage.of(m, file));
    }
    return new Fetched(backup, images);
  }

  private Optional<Backup> manifest(String backupId, Path dir, List<String> problems) throws Exception {
    Path file = dir.resolve(MANIFEST);
    Optional<ObjectNode> meta = verified(key(backupId, MANIFEST), file, null, problems);
    if (meta.isEmpty()) {
      return Optional.empty();
    }
    List<Backup.TableCopy> copies = new ArrayList<>();
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) lines.skip(1)::iterator) {
        JsonNode copy = mapper.readTree(line);
        copies.add(new Backup.TableCopy(
            copy.path("table").asText(), copy.path("absent").asBoolean(), copy.path("rows").asLong(),
            text(copy.get("key")), text(copy.get("sha256"))));
      }
    }
    List<String> schemaTables = new ArrayList<>();
    meta.get().path("schemaTables").forEach(t -> schemaTables.add(t.asText()));
    return Optional.of(new Backup(
        backupId, meta.get().path("dialect").asText(), text(meta.get().get("schemaVersion")),
        Instant.parse(meta.get().path("startedAt").asText()), copies, schemaTables));
  }

  /**
   * Downloads {@code key} to {@code file} and checks it: its SHA-256 against its sidecar (and {@code expected}, the
   * manifest's, when given), its lines against its {@code __meta__}. Adds what is wrong to {@code problems}.
   */
  private Optional<ObjectNode> verified(String key, Path file, String expected, List<String> problems) throws IOException {
    String sidecar;
    try {
      s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toFile(file));
      sidecar = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key + ".sha256")).asUtf8String().trim();
    } catch (NoSuchKeyException e) {
      problems.add(key + " or its .sha256 sidecar is missing from s3://" + bucket);
      return Optional.empty();
    }
    String actual = sha256(file);
    String recorded = sidecar.split("\\s+")[0];
    if (!actual.equals(recorded)) {
      problems.add(key + " hashes to " + actual + " but its sidecar says " + recorded + ": the object was changed or cut");
      return Optional.empty();
    }
    if (expected != null && !actual.equals(expected)) {
      problems.add(key + " hashes to " + actual + " but the manifest says " + expected + ": it is not the object backed up");
      return Optional.empty();
    }
    try {
      return Optional.of(NdjsonReport.verify(file, mapper));
    } catch (IOException e) {
      problems.add(key + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  private static String text(JsonNode value) {
    return value == null || value.isNull() ? null : value.asText();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
