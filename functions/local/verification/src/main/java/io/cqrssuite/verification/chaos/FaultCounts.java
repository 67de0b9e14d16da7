package io.cqrssuite.verification.chaos;

/**
 * What a fault proxy has done so far, so a chaos run can report the faults its read models had to survive and a
 * test can tell whether a fault it planned did happen. A unit is an HTTP request for {@link HttpFaultProxy} and a chunk of bytes
 * (either direction) for {@link TcpFaultProxy}; each unit ends as exactly one of forwarded, reset or answered 503,
 * and a stalled unit is counted in {@code stalls} as well as in {@code forwarded} once it went through. The
 * counts of a unit are final before its effect reaches the client.
 *
 * @param connections client connections accepted
 * @param forwarded units relayed (for HTTP: requests whose response the proxy relays to the client)
 * @param resets units that ended the connection with a reset, before or after the server saw them
 * @param stalls units held back before being forwarded
 * @param errors503 HTTP requests answered 503 by the proxy itself
 */
public record FaultCounts(long connections, long forwarded, long resets, long stalls, long errors503) {

  /** What happened since {@code earlier} was read: the counts of one phase of a run, e.g. an outage window. */
  public FaultCounts minus(FaultCounts earlier) {
    return new FaultCounts(
        connections - earlier.connections,
        forwarded - earlier.forwarded,
        resets - earlier.resets,
        stalls - earlier.stalls,
        errors503 - earlier.errors503);
  }

  /** Units that ended one way or another: forwarded, reset or answered 503. */
  public long units() {
    return forwarded + resets + errors503;
  }

  /** The counts in one line for logs and run summaries. */
  public String describe() {
    return connections + " connections, " + forwarded + " forwarded, " + resets + " resets, " + stalls + " stalls, "
        + errors503 + " answered 503";
  }
}
