package io.cqrssuite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.fixtures.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command and subcommand answers {@code --help} and {@code -h} with its own usage on stdout and exit 0, before
 * it checks anything: no queue URL, no template, no events directory, no engines.
 */
class CommandHelpTest {
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private static final Set<String> SUBCOMMANDS = Set.of("sync", "import", "dispatch", "cold", "report", "list", "export", "replay");

  /** A root with nothing in it (no template.yaml, no events/): help must not need them. */
  @TempDir Path emptyRoot;

  /** Each command line, some with words that would fail the command if it ran; each once with -h too. */
  static Stream<String> commandLines() {
    return Stream.of(
            "invoke",
            "invoke EventFactoryFunction no/such/event.json",
            "run",
            "run --entities 0",
            "chaos",
            "chaos --kill-rate 2",
            "samples",
            "bench",
            "bench sync",
            "bench import",
            "bench dispatch",
            "bench cold",
            "bench commands",
            "bench commands --batch 0",
            "bench cost",
            "bench report",
            "bench report --publish",
            "dlq",
            "dlq list",
            "dlq export",
            "dlq replay",
            "reconcile",
            "reconcile --mode nonsense",
            "resync",
            "resync --since yesterday",
            "backfill",
            "backfill --rollback --clean",
            "migrate",
            "migrate backups",
            "migrate backups restore")
        .flatMap(line -> Stream.of(line + " --help", line + " -h"));
  }

  private int cli(String... args) {
    // No SUITE_DEAD_LETTER_QUEUE_URL either: dlq's help must not need a queue.
    return SuiteCli.run(
        args,
        new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8),
        Map.of("SUITE_ROOT", emptyRoot.toString()));
  }

  private String out() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "./suite {0}")
  @MethodSource("commandLines")
  void everyCommandAnswersHelpWithItsOwnUsageAndExitZero(String commandLine) {
    String[] words = commandLine.split(" ");

    assertThat(cli(words)).as(stderr.toString(StandardCharsets.UTF_8)).isZero();

    String name = SUBCOMMANDS.contains(words[1]) ? words[0] + " " + words[1] : words[0];
    assertThat(out()).startsWith("usage: ./suite " + name).contains("exit codes:");
    assertThat(stderr.size()).as("help starts nothing that talks on stderr").isZero();
  }

  @Test
  void aSubcommandsHelpShowsThatSubcommandOnly() {
    assertThat(cli("bench", "import", "--help")).isZero();
    assertThat(out()).contains("./suite bench import [--rows N]").doesNotContain("bench sync");
    stdout.reset();

    assertThat(cli("dlq", "export", "-h")).isZero();
    assertThat(out()).contains("./suite dlq export FILE").doesNotContain("dlq list").doesNotContain("dlq replay");
  }

  @Test
  void aCommandsHelpShowsEachOfItsForms() {
    assertThat(cli("dlq", "--help")).isZero();
    assertThat(out()).contains("./suite dlq list", "./suite dlq export FILE", "./suite dlq replay");
  }

  @Test
  void aCommandsHelpRepeatsWhatTheTableOfCommandsSaysOfIt() {
    assertThat(cli("chaos", "--help")).isZero();
    String help = out();
    stdout.reset();
    assertThat(cli("--help")).isZero();
    String table = out();
    assertThat(table).contains("  chaos [--entities N] [--versions N] [--seed N] [--kill-rate R] [--outages N] [--no-faults]");
    assertThat(help).contains("The delivery guarantees under faults", "killed with SIGKILL mid-batch (--kill-rate, default 0.03");
    assertThat(table).contains("        The delivery guarantees under faults");
  }

  @ParameterizedTest(name = "./suite test {0}")
  @ValueSource(strings = {"--help", "-h"})
  void theScriptsTestCommandAnswersHelpWithoutRunningAnything(String flag, @TempDir Path tools) throws Exception {
    // Stand-ins, first on the PATH, for everything `./suite test` would run: any of them leaves a mark.
    Path ran = tools.resolve("ran");
    for (String tool : new String[] {"mvn", "java", "node", "npm", "apt-get"}) {
      Path stub = tools.resolve(tool);
      Files.writeString(stub, "#!/bin/sh\necho " + tool + " >> '" + ran + "'\nexit 97\n");
      stub.toFile().setExecutable(true);
    }
    ProcessBuilder script = new ProcessBuilder("bash", SampleEvents.repositoryRoot().resolve("suite").toString(), "test", flag);
    script.environment().put("PATH", tools + File.pathSeparator + System.getenv("PATH"));
    script.redirectErrorStream(true);
    Process process = script.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).startsWith("usage: ./suite test").contains("Maven install", "functions/starter");
    assertThat(ran).as("nothing ran").doesNotExist();
  }
}
