package io.cqrssuite.verification.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.fixtures.SampleEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's shape is what a user adopts: one jar per capability under {@code shared/}, a BOM that names every one
 * of them, publishable metadata on every POM, no example resources in a library jar, and the starter outside the
 * reactor.
 */
class ModuleLayoutTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ARTIFACT = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");

  @Test
  void theBomNamesEveryLibraryModuleAtTheBuildsVersion() throws IOException {
    String bom = Files.readString(ROOT.resolve("shared/bom/pom.xml"));
    List<String> libraries = new ArrayList<>();
    for (String module : modules(ROOT.resolve("shared/pom.xml"))) {
      if (!module.equals("bom")) {
        Matcher artifact = ARTIFACT.matcher(Files.readString(ROOT.resolve("shared").resolve(module).resolve("pom.xml")));
        assertThat(artifact.find()).as(module).isTrue();
        libraries.add(artifact.group(1));
      }
    }

    assertThat(libraries).contains("cqrs-suite-core", "cqrs-suite-sync-rds", "cqrs-suite-sync-opensearch");
    for (String library : libraries) {
      assertThat(bom).as("the BOM names " + library)
          .contains("<artifactId>" + library + "</artifactId>\n        <version>${project.version}</version>");
    }
    assertThat(version(bom)).isEqualTo(version(Files.readString(ROOT.resolve("pom.xml"))));
  }

  @Test
  void everyPomCarriesLicenceScmDevelopersAndADescription() throws IOException {
    for (Path pom : List.of(ROOT.resolve("pom.xml"), ROOT.resolve("shared/bom/pom.xml"))) {
      String text = Files.readString(pom);
      assertThat(text).as(pom.toString())
          .contains("<name>Apache License, Version 2.0</name>", "<scm>", "<developers>", "<description>");
    }
    assertThat(ROOT.resolve("LICENSE")).content().contains("Apache License", "Version 2.0");
    for (Path pom : reactorPoms()) {
      String text = Files.readString(pom);
      assertThat(text).as(ROOT.relativize(pom) + " has a description").contains("<description>");
      if (!pom.equals(ROOT.resolve("pom.xml")) && !pom.equals(ROOT.resolve("shared/bom/pom.xml"))) {
        // The rest inherit the licence, SCM and developers from the parent.
        assertThat(text).as(ROOT.relativize(pom) + " inherits from the suite's parent").contains("<parent>");
      }
    }
  }

  @Test
  void libraryJarsCarryNoExampleResourcesAndTheCatalogCarriesItsOwn() throws IOException {
    try (Stream<Path> libraries = Files.list(ROOT.resolve("shared"))) {
      for (Path library : libraries.filter(Files::isDirectory).toList()) {
        Path resources = library.resolve("src/main/resources");
        assertThat(resources.resolve("db")).as(library + " ships migrations").doesNotExist();
        assertThat(resources.resolve("opensearch")).as(library + " ships an index template").doesNotExist();
      }
    }
    assertThat(ROOT.resolve("functions/catalog/src/main/resources/db/migration/postgresql/V1__product.sql")).exists();
    assertThat(ROOT.resolve("functions/catalog/src/main/resources/opensearch/products-template.json")).exists();
  }

  @Test
  void theStarterIsOutsideTheReactorAndPointsNowhereIntoTheRepository() throws IOException {
    for (Path pom : reactorPoms()) {
      assertThat(modules(pom)).as(ROOT.relativize(pom).toString()).noneMatch(m -> m.contains("starter"));
    }
    Path starter = ROOT.resolve("functions/starter/pom.xml");
    assertThat(starter).exists();
    String text = Files.readString(starter);
    assertThat(text).doesNotContain("<parent>", "<relativePath>", "cqrs-suite-testing");
    assertThat(text).contains("<artifactId>cqrs-suite-bom</artifactId>", "<artifactId>cqrs-suite-core</artifactId>");
  }

  private static List<Path> reactorPoms() throws IOException {
    List<Path> poms = new ArrayList<>();
    collect(ROOT, poms);
    return poms;
  }

  private static void collect(Path directory, List<Path> poms) throws IOException {
    Path pom = directory.resolve("pom.xml");
    poms.add(pom);
    for (String module : modules(pom)) {
      collect(directory.resolve(module).normalize(), poms);
    }
  }

  private static List<String> modules(Path pom) throws IOException {
    List<String> modules = new ArrayList<>();
    Matcher module = MODULE.matcher(Files.readString(pom));
    while (module.find()) {
      modules.add(module.group(1));
    }
    return modules;
  }

  private static String version(String pom) {
    Matcher version = Pattern.compile("<artifactId>[^<]+</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertThat(version.find()).isTrue();
    return version.group(1);
  }
}
