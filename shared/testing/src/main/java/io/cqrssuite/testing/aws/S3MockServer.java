package io.cqrssuite.testing.aws;

import com.adobe.testing.s3mock.S3MockApplication;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** S3Mock in the test JVM on a free loopback port, with one bucket and its files under {@code root}. */
public final class S3MockServer {
  private S3MockServer() {}

  public static S3MockApplication start(String bucket, Path root) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
    properties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
    properties.put(S3MockApplication.PROP_INITIAL_BUCKETS, bucket);
    properties.put(S3MockApplication.PROP_ROOT_DIRECTORY, root.toString());
    properties.put(S3MockApplication.PROP_SILENT, true);
    properties.put("server.address", "127.0.0.1");
    return S3MockApplication.start(properties);
  }
}
