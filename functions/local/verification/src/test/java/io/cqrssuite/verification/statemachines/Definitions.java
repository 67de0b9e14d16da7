package io.cqrssuite.verification.statemachines;

import java.nio.file.Files;
import java.nio.file.Path;

/** The deployed state machine definitions, infra/statemachine/NAME.asl.json of this repository. */
final class Definitions {
  private Definitions() {}

  static Path file(String name) {
    String file = "infra/statemachine/" + name + ".asl.json";
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(file))) {
        return dir.resolve(file);
      }
    }
    throw new IllegalStateException("no " + file + " above " + System.getProperty("user.dir"));
  }
}
