package io.cqrssuite.reliability.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.failure.TransientException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads the records a {@link StreamFailurePointer} names back from the stream: {@code GetShardIterator}
 * ({@code AT_SEQUENCE_NUMBER} the first) and {@code GetRecords}, following {@code NextShardIterator} until the last
 * sequence number is passed (sequence numbers compared as numbers, never as text), each record in Lambda's shape
 * ({@link StreamRecordJson}).
 *
 * <p>What can no longer be read is reported, never skipped in silence: records trimmed beyond the stream's 24 h
 * retention ({@code TrimmedDataAccessException}: the rest is read from the trim horizon), a shard that is gone, or a
 * closed shard ending before the last sequence number all yield a {@link Resolution} with {@code missing} set. A
 * throttled, failed or stalled read throws (an SDK exception, or a {@link TransientException} when the open shard
 * keeps answering empty pages): the pointer is then tried again later.
 */
public final class StreamFailureResolver {
  /** Records per {@code GetRecords} call: the API's maximum. */
  public static final int PAGE_LIMIT = 1000;

  /** Empty pages in a row after which an open shard that has not reached the range's end counts as stalled. */
  public static final int DEFAULT_MAX_EMPTY_PAGES = 20;

  private static final int MAX_ITERATOR_RENEWALS = 3;

  private final DynamoDbStreamsClient streams;
  private final StreamRecordJson json;
  private final int maxEmptyPages;

  public StreamFailureResolver(DynamoDbStreamsClient streams, StreamRecordJson json) {
    this(streams, json, DEFAULT_MAX_EMPTY_PAGES);
  }

  public StreamFailureResolver(DynamoDbStreamsClient streams, StreamRecordJson json, int maxEmptyPages) {
    this.streams = streams;
    this.json = json;
    this.maxEmptyPages = maxEmptyPages;
  }

  /**
   * The records of one pointer's range, in stream order.
   *
   * @param records each in the JSON Lambda delivered it in, {@code eventSourceARN} the pointer's stream
   * @param missing {@code null} when the whole range was read, else which part could not be and why
   */
  public record Resolution(StreamFailurePointer pointer, List<ObjectNode> records, String missing) {
    public Resolution {
      records = List.copyOf(records);
    }

    public boolean complete() {
      return missing == null;
    }
  }

  /** Reads the range; throws on a failure worth retrying (throttling, 5xx, a stalled shard). */
  public Resolution resolve(StreamFailurePointer pointer) {
    BigInteger start = new BigInteger(pointer.startSequenceNumber());
    BigInteger end = new BigInteger(pointer.endSequenceNumber());
    List<ObjectNode> records = new ArrayList<>();
    boolean trimmed = false;
    String iterator;
    try {
      iterator = iterator(pointer, ShardIteratorType.AT_SEQUENCE_NUMBER, pointer.startSequenceNumber());
    } catch (TrimmedDataAccessException e) {
      trimmed = true;
      try {
        iterator = iterator(pointer, ShardIteratorType.TRIM_HORIZON, null);
      } catch (TrimmedDataAccessException | ResourceNotFoundException gone) {
        return new Resolution(pointer, records, "the whole range is gone from the stream: " + message(gone));
      }
    } catch (ResourceNotFoundException e) {
      return new Resolution(
          pointer, records, "the shard or stream is gone (past the 24 h retention, or the stream was disabled): " + message(e));
    }
    BigInteger first = null;
    BigInteger last = null;
    boolean reachedEnd = false;
    boolean stalled = false;
    int emptyPages = 0;
    int renewals = 0;
    while (iterator != null && !reachedEnd) {
      GetRecordsResponse page;
      try {
        String current = iterator;
        page = streams.getRecords(b -> b.shardIterator(current).limit(PAGE_LIMIT));
      } catch (ExpiredIteratorException e) {
        if (++renewals > MAX_ITERATOR_RENEWALS) {
          throw e;
        }
        iterator =
            last == null
                ? iterator(pointer, ShardIteratorType.AT_SEQUENCE_NUMBER, pointer.startSequenceNumber())
                : iterator(pointer, ShardIteratorType.AFTER_SEQUENCE_NUMBER, last.toString());
        continue;
      } catch (TrimmedDataAccessException e) {
        return new Resolution(
            pointer,
            records,
            "records after " + (last == null ? "the start" : last.toString()) + " up to " + end
                + " were trimmed from the stream while being read: " + message(e));
      }
      for (Record record : page.records()) {
        BigInteger sequence = new BigInteger(record.dynamodb().sequenceNumber());
        if (sequence.compareTo(start) < 0) {
          continue;
        }
        if (sequence.compareTo(end) > 0) {
          reachedEnd = true;
          break;
        }
        if (first == null) {
          first = sequence;
        }
        last = sequence;
        records.add(json.lambdaRecord(record, pointer.streamArn()));
        if (sequence.equals(end)) {
          reachedEnd = true;
          break;
        }
      }
      if (reachedEnd) {
        break;
      }
      String next = page.nextShardIterator();
      if (page.records().isEmpty() && next != null && ++emptyPages >= maxEmptyPages) {
        if (trimmed) {
          // Read from the trim horizon: every kept record of the range came before this tip, the rest is gone.
          stalled = true;
          break;
        }
        throw new TransientException(
            "shard " + pointer.shardId() + " answered " + emptyPages + " empty pages before reaching sequence number "
                + end + " (last read: " + last + ")");
      }
      if (!page.records().isEmpty()) {
        emptyPages = 0;
      }
      iterator = next;
    }
    List<String> gaps = new ArrayList<>();
    if (trimmed) {
      gaps.add(
          first == null
              ? "all of " + start + ".." + end + " was trimmed from the stream (beyond its 24 h retention)"
              : start + " up to before " + first + " was trimmed from the stream (beyond its 24 h retention)");
    }
    if (!reachedEnd && (first != null || !trimmed)) {
      gaps.add(
          "nothing after " + (last == null ? "the start" : last.toString()) + " up to " + end + " could be read: the shard "
              + (stalled ? "holds no further record" : "closed first"));
    }
    return new Resolution(pointer, records, gaps.isEmpty() ? null : String.join("; ", gaps));
  }

  private String iterator(StreamFailurePointer pointer, ShardIteratorType type, String sequenceNumber) {
    return streams
        .getShardIterator(
            b -> b.streamArn(pointer.streamArn())
                .shardId(pointer.shardId())
                .shardIteratorType(type)
                .sequenceNumber(sequenceNumber))
        .shardIterator();
  }

  private static String message(Exception e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
