package io.cqrssuite.verification.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.fixtures.SampleEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs inside the repository stay true to the code: every "contract §N" the code cites is a section of
 * {@code docs/contract.md}, every {@code SUITE_*} variable the code reads is on the configuration page (and every one
 * there is read), links between pages resolve, and nothing points outside the repository.
 */
class DocsTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();
  private static final Pattern CONTRACT_REFERENCE = Pattern.compile("contract §(\\d+)");
  private static final Pattern CONTRACT_HEADING = Pattern.compile("(?m)^## (\\d+)\\. \\S");
  private static final Pattern VARIABLE_LITERAL = Pattern.compile("\"(SUITE_[A-Z0-9_]+)\"");
  private static final Pattern VARIABLE = Pattern.compile("\\bSUITE_[A-Z0-9_]+\\b");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

  @Test
  void everyContractSectionTheCodeCitesIsAHeadingOfTheContractPage() throws IOException {
    Set<String> headings = new TreeSet<>();
    Matcher heading = CONTRACT_HEADING.matcher(read(ROOT.resolve("docs/contract.md")));
    while (heading.find()) {
      headings.add(heading.group(1));
    }
    TreeMap<String, List<String>> citations = new TreeMap<>();
    for (Path file : sources(List.of(".java", ".sql", ".json", ".yaml", ".mjs"))) {
      Matcher reference = CONTRACT_REFERENCE.matcher(read(file));
      while (reference.find()) {
        citations.computeIfAbsent(reference.group(1), k -> new ArrayList<>()).add(ROOT.relativize(file).toString());
      }
    }

    assertThat(headings).contains("1", "2", "3", "4", "5", "6", "7");
    assertThat(citations).as("the code cites the contract").isNotEmpty();
    for (String section : citations.keySet()) {
      assertThat(headings).as("contract §%s, cited by %s", section, citations.get(section)).contains(section);
    }
  }

  @Test
  void everyVariableTheCodeReadsIsDocumentedOnTheConfigurationPageAndTheReverse() throws IOException {
    Set<String> read = new TreeSet<>();
    for (Path file : sources(List.of(".java"))) {
      if (file.toString().contains("/src/main/")) {
        Matcher literal = VARIABLE_LITERAL.matcher(read(file));
        while (literal.find()) {
          read.add(literal.group(1));
        }
      }
    }
    // The ./suite script reads and exports some for the local tooling.
    Matcher exported = VARIABLE.matcher(read(ROOT.resolve("suite")));
    while (exported.find()) {
      read.add(exported.group());
    }
    Set<String> documented = new TreeSet<>();
    Matcher variable = VARIABLE.matcher(read(ROOT.resolve("docs/configuration.md")));
    while (variable.find()) {
      documented.add(variable.group());
    }

    assertThat(read).as("SUITE_* variables read by the code").hasSizeGreaterThan(40);
    assertThat(documented).as("read by the code but not in docs/configuration.md").containsAll(read);
    assertThat(read).as("in docs/configuration.md but read by no code").containsAll(documented);
  }

  @Test
  void relativeLinksBetweenTheDocsResolve() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    for (Path page : pages) {
      Matcher link = LINK.matcher(read(page));
      while (link.find()) {
        String target = link.group(1);
        if (target.contains("://") || target.startsWith("mailto:")) {
          continue;
        }
        assertThat(page.getParent().resolve(target).normalize())
            .as("%s links to %s", ROOT.relativize(page), target)
            .exists();
      }
    }
  }

  @Test
  void noFileInTheRepositoryPointsOutsideIt() throws IOException {
    // Split so that this file does not match itself.
    Pattern outside = Pattern.compile("\\.\\./" + "shared/|shared/" + "design");
    List<String> offenders = new ArrayList<>();
    for (Path file : sources(List.of(".java", ".md", ".sql", ".json", ".yaml", ".yml", ".xml", ".mjs", ".toml", ".txt", ""))) {
      if (outside.matcher(read(file)).find()) {
        offenders.add(ROOT.relativize(file).toString());
      }
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void theReadmeIsAShortEntryThatStartsWithTheTwoCommands() throws IOException {
    String readme = read(ROOT.resolve("README.md"));
    assertThat(readme.getBytes(StandardCharsets.UTF_8).length).as("README.md bytes").isLessThan(8 * 1024 + 512);
    assertThat(readme).contains("```\n./suite run\n./suite test\n```");
    assertThat(readme.indexOf("./suite run")).as("the two commands on the first screen").isLessThan(1500);
  }

  /** Files of the repository with one of {@code suffixes} ({@code ""}: any), build output and installs left out. */
  private static List<Path> sources(List<String> suffixes) throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> {
            String relative = ROOT.relativize(p).toString();
            return !relative.startsWith(".git/") && !relative.startsWith(".suite/") && !relative.contains("/target/")
                && !relative.contains("node_modules/") && !relative.startsWith("events/bad/corpus/");
          })
          .filter(p -> suffixes.stream().anyMatch(s -> s.isEmpty() ? !p.getFileName().toString().contains(".") : p.toString().endsWith(s)))
          .toList();
    }
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
