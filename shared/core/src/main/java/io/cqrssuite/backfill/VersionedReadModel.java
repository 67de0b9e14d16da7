package io.cqrssuite.backfill;

import io.cqrssuite.reconcile.ReconcileTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A read model that lives in versions (OpenSearch indexes {@code products-v1}, {@code products-v2}, ...) behind names
 * its readers and its live sync use, so that a new version can be filled beside the current one and switched to in
 * one step. While a next version is open as the <em>second target</em>, the live sync writes every change to both;
 * the switch closes the second target in the same step, so no change written meanwhile reaches only the old version.
 *
 * <p>Every step is idempotent or refuses clearly, so an interrupted backfill can be run again.
 */
public interface VersionedReadModel {
  /** For results and errors: {@code opensearch[products]}. */
  String name();

  /**
   * The longest the live sync takes to notice that a second target appeared: after {@link #openSecondTarget}, wait
   * this long before copying, so every container already writes to both.
   */
  Duration discoveryInterval();

  /**
   * Creates the next version beside the current one from the read model's current definition (an index template),
   * or finds the one an interrupted backfill left open ({@link Versions#resumed()}).
   */
  Versions createNext() throws Exception;

  /** Makes {@code versions.next()} the live sync's second target; nothing is read from it yet. */
  void openSecondTarget(Versions versions) throws Exception;

  /**
   * Copies into the next version, at their versions, the tombstones of the current one: entities the source removed
   * outright are gone from a scan of it, and without their tombstones a late, older upsert would resurrect them.
   *
   * @return the tombstones written (an entity the next version holds at the same or a newer version is left alone)
   */
  long carryTombstones(Versions versions) throws Exception;

  /** The current version, as readers see it and the live sync writes it. */
  ReconcileTarget current();

  /** The next version, as resync and reconcile write and read it: through the second target, never the live names. */
  ReconcileTarget next(Versions versions);

  /**
   * In one request, moves readers and the live sync to the next version and closes the second target; records on the
   * old version that it was replaced at {@code swappedAt} and is kept until {@code keepUntil}.
   */
  void swap(Versions versions, Instant swappedAt, Instant keepUntil) throws Exception;

  /**
   * Moves readers and the live sync back to the version the current one replaced, in one request; the version left
   * is kept until {@code keepUntil}. Changes written since the swap reached only the version left: the caller
   * writes them again (a resync since {@link Rollback#swappedAt()}).
   */
  Rollback rollback(Instant at, Instant keepUntil) throws Exception;

  /** Deletes the versions nobody reads or writes whose horizon is before {@code now}; returns their names. */
  List<String> clean(Instant now) throws Exception;

  /** The version in use and the one being filled; {@code resumed} when an earlier run had already created it. */
  record Versions(String current, String next, boolean resumed) {}

  /** A rollback from {@code from} back to {@code to}, which {@code from} had replaced at {@code swappedAt}. */
  record Rollback(String from, String to, Instant swappedAt) {}
}
