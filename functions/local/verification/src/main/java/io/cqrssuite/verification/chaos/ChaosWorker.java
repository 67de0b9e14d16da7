package io.cqrssuite.verification.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.LocalContext;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The worker process of a chaos run: one warm Lambda container, as a separate JVM the driver can kill with
 * SIGKILL mid-batch. Reads one event per line on stdin, runs it through {@code EventFactoryFunction}'s real handler
 * (its environment is this process's environment), and answers one line per event on stdout: {@code {"response":
 * ...}} or {@code {"error": {"errorType", "errorMessage"}}} — Lambda's function error. The handler's own log lines
 * (which Lambda would send to CloudWatch) go to stderr, so stdout carries answers only.
 */
public final class ChaosWorker {
  private ChaosWorker() {}

  public static void main(String[] args) throws Exception {
    PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    int timeoutSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    FunctionSpec function = new FunctionSpec("EventFactoryFunction", CatalogHandler.class.getName() + "::handleRequest",
        timeoutSeconds, 1024, Map.of());
    ObjectMapper json = new ObjectMapper();
    CatalogHandler handler = new CatalogHandler(System.getenv());
    answers.println("{\"ready\":true}");
    BufferedReader events = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = events.readLine(); line != null; line = events.readLine()) {
      ObjectNode answer = json.createObjectNode();
      try {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), response, new LocalContext(function));
        answer.set("response", response.size() == 0 ? json.nullNode() : json.readTree(response.toByteArray()));
      } catch (Exception | Error e) {
        ObjectNode error = answer.putObject("error");
        error.put("errorType", e.getClass().getName());
        error.put("errorMessage", String.valueOf(e.getMessage()));
      }
      answers.println(json.writeValueAsString(answer));
    }
  }
}
