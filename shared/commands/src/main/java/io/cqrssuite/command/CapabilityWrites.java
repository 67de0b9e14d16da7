package io.cqrssuite.command;

import java.util.List;
import java.util.Map;

/**
 * Transactions where the engine has them, conditional puts where it does not ({@code SUITE_COMMAND_SYNC_WRITES=auto}):
 * the first write tries a transaction, and an engine that answers it does not know the operation (dynalite) gets
 * conditional puts for that write and every later one in this process. No extra call is made to find out.
 */
final class CapabilityWrites implements PlanWrites {
  private final TransactionWrites transactions;
  private final ConditionalPutWrites puts;
  private volatile boolean withoutTransactions;

  CapabilityWrites(TransactionWrites transactions, ConditionalPutWrites puts) {
    this.transactions = transactions;
    this.puts = puts;
  }

  @Override
  public String name() {
    return withoutTransactions ? puts.name() : transactions.name();
  }

  @Override
  public Map<EntityKey, Result> write(List<EntityPlan> plans) {
    if (!withoutTransactions) {
      try {
        return transactions.write(plans);
      } catch (TransactionWrites.Unsupported e) {
        // Only the first transaction can be refused this way, so nothing of this write was made yet.
        withoutTransactions = true;
      }
    }
    return puts.write(plans);
  }
}
