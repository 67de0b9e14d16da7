package io.cqrssuite.catalog.imports;

import io.cqrssuite.command.SourceVersion;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.command.PublishResult;

/**
 * Where an imported row goes: a product command. Publishing an image equal to the product's latest writes nothing
 * ({@link PublishResult#noOp()}), which is what makes re-running a chunk harmless.
 */
public interface ProductCommands {
  /**
   * Publishes {@code image} (with {@code pk} and {@code code}) as the product's next version, unless the product
   * holds content from a source newer than or as new as {@code source} ({@link PublishResult#superseded()}).
   *
   * @param source the row's file and line; {@code null} publishes unconditionally
   *
   * @throws io.cqrssuite.command.CommandRejectedException the command cannot be stored (invalid, too large, a
   *     conflicting concurrent write)
   * @throws io.cqrssuite.command.CommandStoreException the store failed; a retry may pass
   */
  PublishResult publish(ObjectNode image, SourceVersion source);
}
