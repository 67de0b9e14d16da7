package io.cqrssuite.testing.aws;

import java.net.URI;
import java.util.List;

/**
 * CloudFormation's Query protocol on 127.0.0.1, far enough for {@code DescribeStacks}: it answers with the status the
 * test sets (as a stack moves through {@code UPDATE_IN_PROGRESS} or {@code UPDATE_ROLLBACK_IN_PROGRESS}, a state no
 * local emulator puts a stack in on request), or with an error, and records the stack each request names.
 */
public final class FakeCloudFormation implements AutoCloseable {
  private final CapturingEndpoint endpoint;
  private volatile String status;
  private volatile int errorStatus;

  private FakeCloudFormation(String status) {
    this.status = status;
    this.endpoint = new CapturingEndpoint(request -> {
      if (errorStatus != 0) {
        return new CapturingEndpoint.Response(errorStatus, "text/xml",
            "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type>"
                + "<Code>AccessDenied</Code><Message>fake refusal</Message></Error><RequestId>r</RequestId></ErrorResponse>");
      }
      String stack = request.form().get("StackName");
      return new CapturingEndpoint.Response(200, "text/xml",
          "<DescribeStacksResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><DescribeStacksResult>"
              + "<Stacks><member><StackId>" + stack + "</StackId><StackName>fake</StackName>"
              + "<CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>" + this.status + "</StackStatus></member>"
              + "</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
              + "</DescribeStacksResponse>");
    });
  }

  /** Answers every {@code DescribeStacks} with {@code status} until told otherwise. */
  public static FakeCloudFormation start(String status) {
    return new FakeCloudFormation(status);
  }

  /** What the next answers say; clears an error set by {@link #fail}. */
  public void status(String value) {
    this.status = value;
    this.errorStatus = 0;
  }

  /** Every request fails with this HTTP status (an {@code AccessDenied} error). */
  public void fail(int httpStatus) {
    this.errorStatus = httpStatus;
  }

  public URI endpoint() {
    return endpoint.endpoint();
  }

  /** The {@code StackName} of each request, in order. */
  public List<String> stacksAsked() {
    return endpoint.requests().stream().map(r -> r.form().get("StackName")).toList();
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
