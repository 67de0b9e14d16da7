package io.cqrssuite.bench.cold;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The child JVM's entry point: loads the handler class, constructs it as Lambda's runtime does, invokes it once on
 * the event file, and prints one line {@code COLD <constructedMicros> <returnedMicros> <ok|error:...>} (epoch
 * microseconds). The parent measures from its own clock just before it started the process, so init includes
 * exec and JVM boot, as a Lambda init does. Kept free of Jackson and of anything the floors do not load themselves.
 */
public final class ColdProbe {
  static final String MARK = "COLD ";

  private ColdProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ColdProbe <handler class> <event file>");
    }
    // Reflection here is the runtime's own: Lambda constructs the handler named in the template by its class name.
    RequestStreamHandler handler =
        (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    long constructed = micros();
    String outcome = "ok";
    try (InputStream event = Files.newInputStream(Path.of(args[1]))) {
      handler.handleRequest(event, new ByteArrayOutputStream(), new ProbeContext());
    } catch (Exception | Error e) {
      outcome = "error:" + String.valueOf(e).replace('\n', ' ');
    }
    long returned = micros();
    System.out.println(MARK + constructed + " " + returned + " " + outcome);
    System.out.flush();
    // The handler may leave non-daemon threads (pools, engines' clients): a frozen Lambda sandbox would keep them.
    System.exit(0);
  }

  private static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** The least a handler reads of its context: the template's 60 s timeout, names, a logger on stderr. */
  private static final class ProbeContext implements Context {
    private final long deadline = System.currentTimeMillis() + 60_000;

    @Override
    public String getAwsRequestId() {
      return "cold-bench-1";
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/cold-bench";
    }

    @Override
    public String getLogStreamName() {
      return "cold-bench";
    }

    @Override
    public String getFunctionName() {
      return "EventFactoryFunction";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:us-east-1:000000000000:function:EventFactoryFunction";
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {
          System.err.print(message);
        }

        @Override
        public void log(byte[] message) {
          System.err.print(new String(message, StandardCharsets.UTF_8));
        }
      };
    }
  }
}
