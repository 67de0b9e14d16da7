package io.cqrssuite.catalog.imports;

import io.cqrssuite.aws.internal.OnFirstUse;
import io.cqrssuite.failure.PermanentException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The import's S3 reads and writes. Every read names the object version the import started on (its version id,
 * else its ETag as {@code If-Match}), so a file replaced during the import is refused, not half-read.
 */
public final class ImportObjects {
  /** Where the bad-row reports go in the import's bucket; outside {@code imports/csv/}, so they trigger nothing. */
  public static final String REPORTS = "imports/reports/";

  private final Supplier<S3Client> s3;

  /** {@code s3} is called once, at the first read or write. */
  public ImportObjects(Supplier<S3Client> s3) {
    this.s3 = new OnFirstUse<>(s3);
  }

  /** The object named by {@code source}, from its start. */
  public InputStream open(CsvSource source) {
    return call(source, () -> s3.get().getObject(request(source, null)));
  }

  /** The bytes of {@code chunk}, by a ranged GET. */
  public byte[] read(CsvSource source, CsvChunk chunk) {
    return call(source, () -> s3.get().getObjectAsBytes(request(source, chunk.httpRange())).asByteArray());
  }

  public void putText(String bucket, String key, String text, String contentType) {
    s3.get().putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromString(text, StandardCharsets.UTF_8));
  }

  public String readText(String bucket, String key) {
    return s3.get().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
  }

  private static GetObjectRequest request(CsvSource source, String range) {
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(source.bucket()).key(source.key()).range(range);
    if (source.versionId() != null) {
      request.versionId(source.versionId());
    } else if (source.eTag() != null) {
      request.ifMatch(source.eTag());
    }
    return request.build();
  }

  private static <T> T call(CsvSource source, Supplier<T> read) {
    try {
      return read.get();
    } catch (NoSuchKeyException e) {
      throw new PermanentException("the CSV " + source + " no longer exists", e);
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        throw new PermanentException("the CSV " + source + " was replaced during the import (its ETag changed)", e);
      }
      throw e;
    }
  }
}
