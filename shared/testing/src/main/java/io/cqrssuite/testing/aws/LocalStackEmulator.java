package io.cqrssuite.testing.aws;

import java.net.URI;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * LocalStack in Docker (Testcontainers) as an {@link AwsEmulator}, for what moto does not emulate: S3's
 * {@code sequencer} and {@code userIdentity}, streams that split into shards, Lambda tasks in Step Functions. Its
 * tests carry {@code LocalStack} in their class name and {@code @Testcontainers(disabledWithoutDocker = true)}, so
 * they skip where no Docker engine runs.
 */
public final class LocalStackEmulator implements AwsEmulator {
  /**
   * Pinned, so that the behaviour the tests assert does not move under them between runs; 3.8.1 also starts without
   * an auth token, which newer images ask for. {@code LOCALSTACK_AUTH_TOKEN} is passed to the container when set.
   */
  public static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

  private final LocalStackContainer container;
  private final CredentialProperties properties;

  private LocalStackEmulator(LocalStackContainer container) {
    this.container = container;
    this.properties = new CredentialProperties(credentials());
  }

  /** Starts a container with {@code services} and waits until it is ready. */
  public static LocalStackEmulator start(LocalStackContainer.Service... services) {
    LocalStackContainer container = new LocalStackContainer(IMAGE).withServices(services);
    String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
    if (token != null && !token.isBlank()) {
      container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
    }
    container.start();
    return new LocalStackEmulator(container);
  }

  @Override
  public URI endpoint() {
    return container.getEndpoint();
  }

  @Override
  public String region() {
    return container.getRegion();
  }

  @Override
  public AwsBasicCredentials credentials() {
    return AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey());
  }

  @Override
  public String accountId() {
    return "000000000000";
  }

  @Override
  public void close() {
    properties.restore();
    container.stop();
  }
}
