package io.cqrssuite.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The tumbling window of a stream delivery, when the mapping aggregates over windows ({@code TumblingWindowInSeconds}):
 * the window's bounds, the state the previous invocation of the window returned, and whether this is the window's
 * last invocation. Kept on every change event of the delivery for handlers that aggregate; the suite answers with
 * the state it was given, so nothing is lost between the window's invocations.
 *
 * @param state the aggregation state so far, {@code {}} at a window's first invocation
 */
public record TumblingWindow(
    Instant start, Instant end, ObjectNode state, boolean finalInvoke, boolean terminatedEarly, String shardId) {}
