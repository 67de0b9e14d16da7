/**
 * The invocation's deadline held against what waits: a half-open connection or a held lock fails the records in
 * time to answer (NothingWaitsForeverTest), and the SDK's retries never multiply with the suite's
 * (RetriesDoNotMultiplyTest).
 */
package io.cqrssuite.verification.deadline;
