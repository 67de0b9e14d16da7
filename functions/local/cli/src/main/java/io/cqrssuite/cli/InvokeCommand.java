package io.cqrssuite.cli;

import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.InvokeEnvironment;
import io.cqrssuite.testing.lambda.LocalInvoker;
import io.cqrssuite.testing.lambda.SamTemplate;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./suite invoke}: one function of template.yaml in this JVM on one event, like {@code sam local invoke}
 * without Docker. stdout gets only the handler's response (or Lambda's error JSON, exit 1).
 */
final class InvokeCommand implements Command {
  @Override
  public String name() {
    return "invoke";
  }

  @Override
  public List<Usage> usage() {
    return List.of(
        Usage.of(
            "invoke <LogicalId> <event-file> [--env-vars file.json] [--template template.yaml] [--aws]",
            "Run one function of template.yaml in-process on one event, like `sam local invoke <LogicalId> -e <file>`",
            "without Docker. stdout: the handler's JSON response (or null), or Lambda's error JSON with exit 1.",
            "The function's environment and timeout come from the template; --env-vars overrides them (SAM's",
            "format: {\"Parameters\": {...}, \"<LogicalId>\": {\"VAR\": \"value\"}}). AWS_REGION, AWS credentials and",
            "AWS_ENDPOINT_URL[_<SERVICE>] from your shell pass through, SUITE_* from your shell override the",
            "template. A declared but empty SUITE_RDS_URL / SUITE_OPENSEARCH_ENDPOINT gets an embedded",
            "PostgreSQL / OpenSearch node for the invoke, refused beside a read model or AWS place you configured",
            "(docs/operations.md, the rule of writing commands). Without an SFN endpoint, task-token",
            "callbacks go to a local Step Functions callback recorder that prints them on stderr; --aws turns",
            "the local stand-ins off and uses your AWS account."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    List<String> positional = new ArrayList<>();
    Path template = shell.root().resolve("template.yaml");
    Path envVars = null;
    boolean aws = false;
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--env-vars", "-n" -> envVars = Path.of(arguments.value("--env-vars"));
        case "--template", "-t" -> template = Path.of(arguments.value("--template"));
        case "--aws" -> aws = true;
        case "--event", "-e" -> positional.add(arguments.value("--event"));
        default -> {
          if (word.startsWith("-")) {
            throw new UsageException("unknown option '" + word + "' for invoke");
          }
          positional.add(word);
        }
      }
    }
    if (positional.size() != 2) {
      throw new UsageException("usage: ./suite invoke <LogicalId> <event-file> [--env-vars file.json]");
    }
    Path eventFile = Path.of(positional.get(1));
    if (!Files.isRegularFile(eventFile)) {
      throw new UsageException("event file not found: " + eventFile);
    }
    if (!Files.isRegularFile(template)) {
      throw new UsageException("template not found: " + template);
    }
    InvokeEnvironment.EnvVarsFile overrides =
        envVars == null ? InvokeEnvironment.EnvVarsFile.none() : InvokeEnvironment.EnvVarsFile.read(envVars);
    List<String> unresolved = new ArrayList<>();
    SamTemplate sam = SamTemplate.load(template);
    FunctionSpec function = sam.function(positional.get(0), overrides.parameters(), unresolved);
    Map<String, String> environment = new HashMap<>(InvokeEnvironment.build(function, shell.env(), overrides));
    Set<String> embeddable = new HashSet<>(function.environment().keySet());
    embeddable.addAll(unresolved);
    embeddable.retainAll(WriteTargets.READ_MODELS);
    Set<String> stackVariables = sam.stackVariables(function.logicalId(), overrides.parameters());
    Set<String> explicit = new HashSet<>(overrides.functions().getOrDefault(function.logicalId(), Map.of()).keySet());
    shell.env().keySet().stream().filter(name -> name.startsWith("SUITE_")).forEach(explicit::add);
    WriteTargets.Intent intent = new WriteTargets.Intent(!aws, "no --aws", false, "--env-vars");
    try (LocalBackends backends =
        LocalBackends.start(
            environment, aws, shell.err(), shell.root(), env -> WriteTargets.of(null, env, embeddable, stackVariables, explicit), intent)) {
      for (String name : unresolved) {
        if (!environment.containsKey(name)) {
          shell.err().println("suite: " + name + " refers to a deployed resource and is left unset (set it with --env-vars)");
        }
      }
      RequestStreamHandler handler = LocalInvoker.instantiate(function, environment);
      LocalInvoker.Result result = LocalInvoker.invoke(handler, function, Files.readAllBytes(eventFile));
      shell.out().println(result.json());
      return result.exitCode();
    }
  }
}
