package io.cqrssuite.cli;

import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.verification.operations.CatalogOperations;
import java.util.Set;

/**
 * The options {@code reconcile} and {@code resync} share: which source table and read models, how many segments,
 * the embedded default's size, and {@code --apply}. Each command reads its own options first and hands the rest here.
 */
final class OperationOptions {
  static final int DEFAULT_ENTITIES = 10_000;

  String table;
  Set<String> targets = Set.of(CatalogOperations.RDS, CatalogOperations.OPENSEARCH);
  int segments = 4;
  int entities = DEFAULT_ENTITIES;
  long seed = 42L;
  boolean apply;
  private boolean generatorOptions;

  /** Takes {@code word} when it is a shared option; false when it is not one. */
  boolean take(String word, Arguments arguments) {
    switch (word) {
      case "--table" -> table = arguments.value("--table");
      case "--target" -> {
        String target = arguments.value("--target");
        if (!target.equals(CatalogOperations.RDS) && !target.equals(CatalogOperations.OPENSEARCH)) {
          throw new UsageException("unknown target '" + target + "': use " + CatalogOperations.RDS + " or " + CatalogOperations.OPENSEARCH);
        }
        targets = Set.of(target);
      }
      case "--segments" -> segments = arguments.positiveInt("--segments");
      case "--entities" -> {
        entities = arguments.positiveInt("--entities");
        generatorOptions = true;
      }
      case "--seed" -> {
        seed = arguments.longValue("--seed");
        generatorOptions = true;
      }
      case "--apply" -> apply = true;
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Refuses the embedded default's options on configured places, where they would mean nothing. */
  void checkFor(OperationPlaces places) {
    if (!places.embedded() && generatorOptions) {
      throw new UsageException("--entities and --seed shape the embedded default's generated source; configured places keep their own data");
    }
    if (places.embedded() && table != null) {
      throw new UsageException("--table names a configured source table; the embedded default generates the catalog's data table");
    }
  }
}
