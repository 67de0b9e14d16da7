/**
 * The consumer of a DynamoDB stream mapping's on-failure destination: each pointer is read back from the stream
 * into dead-letter envelopes of the records it names, and {@link
 * io.cqrssuite.reliability.stream.StreamFailureHandler} is the ready-made Lambda for it. {@link
 * io.cqrssuite.reliability.stream.StreamRecordJson} writes a Streams API record as a Lambda stream record.
 */
package io.cqrssuite.reliability.stream;
