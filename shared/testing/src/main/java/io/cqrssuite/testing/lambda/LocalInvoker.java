package io.cqrssuite.testing.lambda;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a function's handler in this JVM, as Lambda would run it in its container: the handler class named by the
 * template, constructed once with the function's environment, given the event bytes and a context whose deadline
 * is the template's timeout. Loading the class by name is reflection, which is fine here: this is the local tool,
 * not the function's hot path.
 */
public final class LocalInvoker {
  /** What the invoke printed and how it ended: 0 response, 1 the handler failed or timed out. */
  public record Result(String json, int exitCode) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private LocalInvoker() {}

  public static RequestStreamHandler instantiate(FunctionSpec function, Map<String, String> environment) throws ReflectiveOperationException {
    Class<?> type = Class.forName(function.handlerClass());
    if (!RequestStreamHandler.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(function.handlerClass() + " is not a RequestStreamHandler");
    }
    try {
      Constructor<?> withEnvironment = type.getConstructor(Map.class);
      return (RequestStreamHandler) withEnvironment.newInstance(environment);
    } catch (NoSuchMethodException e) {
      return (RequestStreamHandler) type.getConstructor().newInstance();
    } catch (InvocationTargetException e) {
      // The function's init failed (bad configuration, say): that reason, not the reflection wrapper, is the news.
      Throwable cause = e.getCause();
      throw new IllegalArgumentException(
          function.logicalId() + " failed to initialise: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }
  }

  public static Result invoke(RequestStreamHandler handler, FunctionSpec function, byte[] event) {
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "lambda-invoke");
      t.setDaemon(true);
      return t;
    });
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LocalContext context = new LocalContext(function);
      Future<?> run = worker.submit(() -> {
        handler.handleRequest(new ByteArrayInputStream(event), out, context);
        return null;
      });
      try {
        run.get(function.timeoutSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        run.cancel(true);
        return new Result(
            error("Sandbox.Timedout", String.format("Task timed out after %d.00 seconds", function.timeoutSeconds()), null), 1);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        return new Result(error(cause.getClass().getName(), cause.getMessage(), cause), 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(error("Sandbox.Interrupted", "the invoke was interrupted", null), 1);
      }
      String response = out.toString(java.nio.charset.StandardCharsets.UTF_8).trim();
      return new Result(response.isEmpty() ? "null" : response, 0);
    } finally {
      worker.shutdownNow();
    }
  }

  /** Lambda's error document for a Java function: errorType, errorMessage and the top of the stack. */
  static String error(String type, String message, Throwable cause) {
    ObjectNode error = JSON.createObjectNode();
    error.put("errorType", type);
    error.put("errorMessage", message == null ? "" : message);
    if (cause != null) {
      var stack = error.putArray("stackTrace");
      StackTraceElement[] frames = cause.getStackTrace();
      for (int i = 0; i < Math.min(frames.length, 20); i++) {
        stack.add(frames[i].toString());
      }
    }
    return error.toString();
  }
}
