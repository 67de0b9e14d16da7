package io.cqrssuite.testing.aws;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * The SDK's credential system properties, set to an emulator's for as long as it runs and then put back: the
 * function under test builds its clients from the default chain, which reads them before the environment.
 */
final class CredentialProperties {
  private static final String[] NAMES = {"aws.accessKeyId", "aws.secretAccessKey"};

  private final Map<String, String> saved = new HashMap<>();

  CredentialProperties(AwsBasicCredentials credentials) {
    for (String name : NAMES) {
      saved.put(name, System.getProperty(name));
    }
    System.setProperty("aws.accessKeyId", credentials.accessKeyId());
    System.setProperty("aws.secretAccessKey", credentials.secretAccessKey());
  }

  void restore() {
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }
}
