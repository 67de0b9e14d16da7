package io.cqrssuite.cli;

import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.verification.SamplesRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code ./suite samples}: every sample event through EventFactoryFunction, with a per-source summary. */
final class SamplesCommand implements Command {
  @Override
  public String name() {
    return "samples";
  }

  @Override
  public List<Usage> usage() {
    return List.of(
        Usage.of(
            "samples [--events DIR]",
            "Push every file in events/ through EventFactoryFunction and print a per-source summary; files under",
            "events/bad/ must be rejected with a reason; stream samples of a table the function does not map",
            "(SUITE_TABLE_MAPPINGS) run with SUITE_UNHANDLED_EVENTS=ignore and must be acknowledged whole.",
            "Last line: one JSON object. Exit 1 on an unexpected result."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    Path events = shell.root().resolve("events");
    while (arguments.hasNext()) {
      String word = arguments.next();
      if (word.equals("--events")) {
        events = Path.of(arguments.value("--events"));
      } else {
        throw new UsageException("unknown option '" + word + "' for samples");
      }
    }
    if (!Files.isDirectory(events)) {
      throw new UsageException("events directory not found: " + events);
    }
    Map<String, String> environment = EventFactoryEnvironment.quiet(EventFactoryEnvironment.of(shell.root(), shell.env()), shell.env());
    // The samples are a local demonstration: blank read models run embedded, but never beside configured places.
    WriteTargets.Intent intent = new WriteTargets.Intent(true, "", false, "");
    try (LocalBackends backends =
        LocalBackends.start(
            environment, false, shell.err(), shell.root(), env -> WriteTargets.of(null, env, WriteTargets.READ_MODELS, Set.of(), Set.of()), intent)) {
      return SamplesRun.run(events, environment, shell.out());
    }
  }
}
