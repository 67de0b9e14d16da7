/**
 * Where events go once decoded: the {@link io.cqrssuite.bus.EventBus} dispatches each event to every {@link
 * io.cqrssuite.bus.EventHandler} of its type, and the {@link io.cqrssuite.bus.BatchProcessor} runs a delivery
 * record by record (batch handlers first), keeping FIFO group and stream order and giving every record its own
 * result (contract §4).
 */
package io.cqrssuite.bus;
