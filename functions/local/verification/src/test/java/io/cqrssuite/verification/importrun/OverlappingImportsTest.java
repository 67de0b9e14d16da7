package io.cqrssuite.verification.importrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.verification.cloud.CommandTableStream;
import io.cqrssuite.verification.cloud.LocalCloud;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Two files of one product list, uploaded one after the other, imported in either order: the newer file's content
 * ends in both read models, because every row's command carries its file's source version (S3 event time, then
 * sequencer) and the command side skips a row older than what the product holds. Importing the older file last is
 * what a slow or retried import of a superseded file does. On the local cloud, with the S3 stand-in's notifications
 * (real event times and per-write sequencers) and the real csv-import workflow.
 */
class OverlappingImportsTest {
  private static final PrintStream QUIET = ImportCloud.QUIET;
  private static final int ROWS = 40;
  private static LocalCloud cloud;
  private static TenantReadModelCheck.ReadModels readModels;

  @BeforeAll
  static void start() throws Exception {
    // 20 rows per chunk: each 40-row file makes two chunk tasks.
    ImportCloud bed = ImportCloud.start("overlap", 20);
    cloud = bed.cloud();
    readModels = bed.readModels();
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void theOlderFileImportedLastIsSupersededRowByRow() throws Exception {
    Overlap overlap = overlap("olderlast", true);

    assertThat(overlap.first().summary().path("ok").asLong()).isEqualTo(overlap.newer().expected().size());
    // Every valid row of the older file meets a product holding the newer file's content: skipped, not written.
    assertThat(overlap.second().summary().path("superseded").asLong()).as(overlap.second().summary().toString())
        .isEqualTo(overlap.older().expected().size());
    assertThat(overlap.second().summary().path("ok").asLong()).isZero();
    assertThat(overlap.mismatches(1)).isZero();
  }

  @Test
  void theNewerFileImportedLastWinsAsANewVersion() throws Exception {
    Overlap overlap = overlap("newerlast", false);

    assertThat(overlap.second().summary().path("ok").asLong()).isEqualTo(overlap.newer().expected().size());
    assertThat(overlap.second().summary().path("superseded").asLong()).isZero();
    assertThat(overlap.mismatches(2)).isZero();
  }

  /** Both files and both imports; the read models hold what the stream delivered after them. */
  private record Overlap(ProductCsvFile older, ProductCsvFile newer, ImportStage.Imported first, ImportStage.Imported second, String tenant) {
    /** The read models against the newer file's content at {@code version}, in PostgreSQL and OpenSearch. */
    long mismatches(long version) throws Exception {
      Map<String, ExpectedProduct> expected = new LinkedHashMap<>();
      newer.expected().forEach((id, p) -> expected.put(id, new ExpectedProduct(id, version, false, p.name(), p.price(), p.category(), p.active())));
      TenantReadModelCheck.Report rows = TenantReadModelCheck.relational(readModels, tenant, expected);
      TenantReadModelCheck.Report documents = TenantReadModelCheck.search(readModels, tenant, expected);
      assertThat(rows.examples()).as("PostgreSQL").isEmpty();
      assertThat(documents.examples()).as("OpenSearch").isEmpty();
      return rows.mismatches() + documents.mismatches();
    }
  }

  private static Overlap overlap(String tenant, boolean olderLast) throws Exception {
    // One product list, two prices and names for every product: the same codes, other seeds.
    ProductCsvFile older = ProductCsvFile.generate(ROWS, tenant, 1);
    ProductCsvFile newer = ProductCsvFile.generate(ROWS, tenant, 2);
    ObjectNode olderUpload = upload(tenant + "-monday.csv", older);
    ObjectNode newerUpload = upload(tenant + "-tuesday.csv", newer);

    ImportStage.Imported first = ImportStage.importFrom(cloud, olderLast ? newerUpload : olderUpload, Duration.ofMinutes(2), QUIET);
    ImportStage.Imported second = ImportStage.importFrom(cloud, olderLast ? olderUpload : newerUpload, Duration.ofMinutes(2), QUIET);
    assertThat(first.executionStatus()).isEqualTo("SUCCEEDED");
    assertThat(second.executionStatus()).isEqualTo("SUCCEEDED");
    CommandTableStream stream = cloud.commandStream();
    assertThat(stream.deliver(cloud.function(), stream.poll(), LocalCloud.STREAM_BATCH_SIZE).givenUp()).isZero();
    return new Overlap(older, newer, first, second, tenant);
  }

  /** Stores the file as S3 would and returns the notification S3 sends for it (event time, sequencer). */
  private static ObjectNode upload(String name, ProductCsvFile file) {
    String key = "imports/csv/" + name;
    cloud.s3().putObject(r -> r.bucket(LocalCloud.IMPORT_BUCKET).key(key).contentType("text/csv"), RequestBody.fromBytes(file.bytes()));
    return cloud.objects().notification(LocalCloud.IMPORT_BUCKET, key);
  }
}
