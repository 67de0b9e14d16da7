package io.cqrssuite.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The S3 stand-in against the real SDK. */
class LocalObjectStoreTest {
  @Test
  void objectStoreServesRangedReadsAndRefusesAReplacedObjectByETag() throws Exception {
    try (LocalObjectStore store = LocalObjectStore.start("imports");
        S3Client s3 = new AwsClients(new AwsSettings("us-east-1", Map.of("S3", store.endpoint()), null, 1, Duration.ofSeconds(5)))
            .configure(S3Client.builder(), "S3").forcePathStyle(true)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
      String first = s3.putObject(r -> r.bucket("imports").key("imports/csv/a.csv"), RequestBody.fromString("header\nrow-1\nrow-2\n"))
          .eTag().replace("\"", "");
      assertThat(first).isEqualTo(store.eTag("imports", "imports/csv/a.csv"));

      String range = s3.getObjectAsBytes(r -> r.bucket("imports").key("imports/csv/a.csv").range("bytes=7-12").ifMatch(first))
          .asString(StandardCharsets.UTF_8);
      assertThat(range).isEqualTo("row-1\n");

      s3.putObject(r -> r.bucket("imports").key("imports/csv/a.csv"), RequestBody.fromString("header\nother\n"));
      assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket("imports").key("imports/csv/a.csv").ifMatch(first)))
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
      assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket("imports").key("imports/csv/missing.csv")))
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    }
  }

  @Test
  void awsChunkedBodiesAreDecodedWithoutTheirTrailers() {
    byte[] raw = ("5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    assertThat(new String(LocalObjectStore.decodeAwsChunked(raw), StandardCharsets.US_ASCII)).isEqualTo("hello world");
  }
}
