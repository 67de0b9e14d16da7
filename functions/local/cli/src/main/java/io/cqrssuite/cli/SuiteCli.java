package io.cqrssuite.cli;

import io.cqrssuite.cli.Arguments.UsageException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Java side of {@code ./suite}: finds the command named by the first word and runs it. Exit codes: 0 done, 1 the
 * function failed (its error is on stdout as Lambda's error JSON) or a run found unexpected results, 2 it could not
 * run at all (the reason is one line on stderr). Every command answers {@code --help} or {@code -h} with its own
 * usage and 0, before it checks anything else.
 */
public final class SuiteCli {
  private static final List<Command> COMMANDS =
      List.of(new InvokeCommand(), new RunCommand(), new ChaosCommand(), new SamplesCommand(), new BenchCommand(), new DlqCommand(),
          new ReconcileCommand(), new ResyncCommand(), new BackfillCommand(), new MigrateCommand());

  /** {@code ./suite test} is the script's own (Maven, not this jar); it is listed so the table is complete. */
  private static final String TEST_ROW = "  test  Install what the tests need and run them (the README's test command).";

  static final String USAGE = usage();

  private SuiteCli() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out, System.err, System.getenv());
    } catch (UsageException e) {
      System.err.println("suite: " + e.getMessage());
      code = 2;
    }
    System.out.flush();
    System.exit(code);
  }

  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> processEnv) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    Command command =
        COMMANDS.stream()
            .filter(c -> c.name().equals(args[0]))
            .findFirst()
            .orElseThrow(() -> new UsageException("unknown command '" + args[0] + "'; see ./suite --help"));
    Arguments arguments = new Arguments(args, 1);
    if (arguments.askForHelp()) {
      out.println(Usage.help(formsAskedFor(command, args)));
      return 0;
    }
    Shell shell = new Shell(Path.of(processEnv.getOrDefault("SUITE_ROOT", ".")), out, err, processEnv);
    try {
      return command.run(arguments, shell);
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) {
      throw new UsageException(e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' '));
    }
  }

  /** {@code bench import --help} shows the import form only; {@code bench --help} shows every form of bench. */
  private static List<Usage> formsAskedFor(Command command, String[] args) {
    if (args.length > 1) {
      String prefix = command.name() + " " + args[1];
      List<Usage> named =
          command.usage().stream().filter(u -> u.synopsis().equals(prefix) || u.synopsis().startsWith(prefix + " ")).toList();
      if (!named.isEmpty()) {
        return named;
      }
    }
    return command.usage();
  }

  private static String usage() {
    List<String> lines = new ArrayList<>(List.of("usage: ./suite <command> [options]", "", "commands:"));
    for (Command command : COMMANDS) {
      command.usage().forEach(form -> lines.add(form.row()));
    }
    lines.add(TEST_ROW);
    lines.add("");
    lines.add(Usage.EXIT_CODES);
    return String.join("\n", lines);
  }
}
