package io.cqrssuite.sync.opensearch;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names one read model lives under: the read alias searches use (it hides tombstones), the write alias the sync
 * handler writes through, and the first concrete index; during a backfill, also the {@linkplain #backfillAlias()
 * backfill alias}. Concrete indexes are named {@code <readAlias>-v<anything>}
 * so that the index template, which matches {@code <readAlias>-v*}, applies to every rebuild too.
 */
public record IndexNames(String readAlias, String writeAlias, String initialIndex) {
  // OpenSearch's own rules: lowercase, no spaces or \ / * ? " < > | , #, not starting with - _ +, at most 255 bytes.
  private static final String BACKFILL_SUFFIX = "-backfill";
  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,199}");

  public IndexNames {
    require("read alias", readAlias);
    require("write alias", writeAlias);
    require("index", initialIndex);
    if (readAlias.equals(writeAlias)) {
      throw new IllegalArgumentException("the read and write aliases must differ, both are '" + readAlias + "'");
    }
    requireConcrete(readAlias, initialIndex);
    if (writeAlias.equals(readAlias + BACKFILL_SUFFIX)) {
      throw new IllegalArgumentException(
          "the write alias cannot be '" + writeAlias + "': that name is the backfill alias of '" + readAlias + "'");
    }
  }

  /** {@code products} gives {@code products}, {@code products-write} and {@code products-v1}. */
  public static IndexNames of(String readAlias) {
    return new IndexNames(readAlias, readAlias + "-write", readAlias + "-v1");
  }

  /**
   * The alias a backfill puts on the index it fills ({@code products-backfill}): while it exists, the live sync writes
   * every change through it too, so the new index misses nothing written during the backfill.
   */
  public String backfillAlias() {
    return readAlias + BACKFILL_SUFFIX;
  }

  /** The pattern the index template matches. */
  public String indexPattern() {
    return readAlias + "-v*";
  }

  /** Checks that {@code index} may hold this read model (a rebuild target, say). */
  public String concreteIndex(String index) {
    require("index", index);
    requireConcrete(readAlias, index);
    return index;
  }

  private static void requireConcrete(String readAlias, String index) {
    if (!index.startsWith(readAlias + "-v")) {
      throw new IllegalArgumentException(
          "index '" + index + "' must be named '" + readAlias + "-v<N>' so the index template '" + readAlias
              + "-v*' applies to it");
    }
  }

  private static void require(String what, String name) {
    if (name == null || !VALID.matcher(name).matches() || !name.equals(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "OpenSearch " + what + " name '" + name + "' is not valid: use lowercase letters, digits, '.', '_' and"
              + " '-', starting with a letter or digit");
    }
  }
}
