package io.cqrssuite.verification.workload;

/**
 * The shape of a generated product workload.
 *
 * @param entities products in the catalogue
 * @param versions commands per product (its version history), at least 1
 * @param seed the random seed: the same options give the same workload
 * @param duplicateRate share of stream records delivered a second time
 * @param reorderWindow records are shuffled within windows of this many (1: delivered in log order)
 * @param deleteRate share of products whose last command deletes them
 * @param recreateRate share of products deleted midway and created again (versions continue after the tombstone)
 * @param ttlRate share of commands whose expiry (a TTL REMOVE on the command table) also shows up in the stream
 * @param batchSize records per stream delivery (the mapping's BatchSize)
 */
public record WorkloadOptions(
    int entities,
    int versions,
    long seed,
    double duplicateRate,
    int reorderWindow,
    double deleteRate,
    double recreateRate,
    double ttlRate,
    int batchSize) {

  /** Batches of 500: the template's BatchSize on the command stream, so the run checks the size that ships. */
  public static WorkloadOptions defaults() {
    return new WorkloadOptions(2_000, 5, 42L, 0.10, 20, 0.10, 0.03, 0.05, 500);
  }

  public WorkloadOptions {
    if (entities < 1 || versions < 1 || batchSize < 1 || reorderWindow < 1) {
      throw new IllegalArgumentException("entities, versions, batch size and reorder window must be at least 1");
    }
    for (double rate : new double[] {duplicateRate, deleteRate, recreateRate, ttlRate}) {
      if (rate < 0 || rate > 1) {
        throw new IllegalArgumentException("rates must be between 0 and 1");
      }
    }
  }

  public WorkloadOptions withEntities(int n) {
    return new WorkloadOptions(n, versions, seed, duplicateRate, reorderWindow, deleteRate, recreateRate, ttlRate, batchSize);
  }

  public WorkloadOptions withVersions(int n) {
    return new WorkloadOptions(entities, n, seed, duplicateRate, reorderWindow, deleteRate, recreateRate, ttlRate, batchSize);
  }

  public WorkloadOptions withSeed(long s) {
    return new WorkloadOptions(entities, versions, s, duplicateRate, reorderWindow, deleteRate, recreateRate, ttlRate, batchSize);
  }

  public WorkloadOptions withBatchSize(int n) {
    return new WorkloadOptions(entities, versions, seed, duplicateRate, reorderWindow, deleteRate, recreateRate, ttlRate, n);
  }
}
