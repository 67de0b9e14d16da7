package io.cqrssuite.bench.cold;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.verification.bench.MachineStamp;
import io.cqrssuite.testing.aws.MotoServer;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.SamTemplate;
import io.cqrssuite.verification.LocalReadModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Runs {@code ./suite bench cold}: every case and both floors in fresh {@code java} processes, {@code runs} times,
 * interleaved (run 1 of every case, then run 2, ...) so that a burst of load on a shared machine falls on all of them
 * rather than on one. The child gets the template's {@code JAVA_TOOL_OPTIONS} as Lambda gives them: in its
 * environment.
 */
public final class ColdBench {
  static final String FUNCTION = "EventFactoryFunction";
  static final String CATALOG_JAR = "functions/catalog/target/catalog-lambda.jar";
  private static final List<String> PROBE_CLASSES =
      List.of("ColdProbe", "ColdProbe$ProbeContext", "ColdProbe$ProbeContext$1", "BareFloor", "SdkFloor");
  private static final DateTimeFormatter FILE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final long CHILD_TIMEOUT_SECONDS = 120;

  private ColdBench() {}

  /**
   * @param sources the event sources to measure (all of {@link Source} by default)
   * @param withBackends also measure each source with the read models and AWS stand-ins configured
   * @param cds start every process (floors too) from an AppCDS archive of its own, dumped by one training run of it
   *     first: a local indicator only (Lambda's runtime brings its own archive, and AWS advises against shipping one)
   */
  public record Options(int runs, List<Source> sources, boolean withBackends, boolean cds) {
    public Options {
      sources = List.copyOf(sources);
      if (runs < 1 || sources.isEmpty()) {
        throw new IllegalArgumentException("bench cold needs at least one run and one source; got " + runs + ", " + sources);
      }
    }

    public static Options defaults() {
      return new Options(10, List.of(Source.values()), true, false);
    }

    public Options withRuns(int count) {
      return new Options(count, sources, withBackends, cds);
    }

    public Options withOnly(List<String> names) {
      return new Options(runs, names.stream().map(Source::named).toList(), withBackends, cds);
    }

    public Options withoutBackends() {
      return new Options(runs, sources, false, cds);
    }

    public Options withCds() {
      return new Options(runs, sources, withBackends, true);
    }
  }

  /**
   * Measures, prints a table and then the JSON object as the last line on {@code out}, and writes the same JSON to
   * {@code <root>/target/bench/cold-<timestamp>.json}. Progress and the engines' messages go to {@code err}.
   *
   * @param environment EventFactoryFunction's environment from the template, without read models (the bench adds
   *     its own embedded ones for the cases with backends)
   * @return 0: timings are reported and judged against the goal, never a reason to fail; 1 when a floor failed
   */
  public static int run(Options options, Path root, Map<String, String> environment, PrintStream out, PrintStream err)
      throws IOException, InterruptedException {
    Path jar = root.resolve(CATALOG_JAR);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the function first (mvn -pl functions/catalog -am package)");
    }
    FunctionSpec function = SamTemplate.load(root.resolve("template.yaml")).function(FUNCTION, Map.of(), new ArrayList<>());
    String toolOptions = environment.getOrDefault("JAVA_TOOL_OPTIONS", function.environment().get("JAVA_TOOL_OPTIONS"));
    if (toolOptions == null) {
      throw new IllegalStateException("template.yaml gives " + FUNCTION + " no JAVA_TOOL_OPTIONS: nothing to start it like Lambda");
    }
    Instant at = Instant.now();
    String load = loadAverage();
    Path work = Files.createTempDirectory("suite-bench-cold");
    String classPath = copyProbe(work) + java.io.File.pathSeparator + jar.toAbsolutePath();
    Map<String, Samples> samples = new LinkedHashMap<>();
    Map<String, Integer> awsRequests = new HashMap<>();
    Map<String, ClassCensus> classes = new HashMap<>();
    long jarBytes = Files.size(jar);
    try (MotoServer moto = MotoServer.start();
        AwsRecorder refusing = AwsRecorder.start(null);
        AwsRecorder forwarding = AwsRecorder.start(moto.endpoint());
        LocalReadModels readModels =
            options.withBackends() ? LocalReadModels.start(root, withoutReadModels(environment), err) : null) {
      List<Launch> launches = new ArrayList<>();
      Map<String, String> floorEnv = childEnvironment(Map.of(), toolOptions, moto.endpoint().toString(), moto);
      Path floorEvent = root.resolve(Source.DYNAMODB.eventFile());
      launches.add(new Launch("floor.bare", BareFloor.class.getName(), floorEvent, floorEnv, null));
      launches.add(new Launch("floor.sdk", SdkFloor.class.getName(), floorEvent, floorEnv, null));
      for (Source source : options.sources()) {
        Map<String, String> without = childEnvironment(withoutReadModels(environment), toolOptions, refusing.endpoint(), moto);
        launches.add(new Launch(source.label() + ".without", function.handlerClass(), root.resolve(source.eventFile()), without, refusing));
        if (readModels != null) {
          Map<String, String> with = new HashMap<>(withoutReadModels(environment));
          with.putAll(readModels.settings());
          launches.add(new Launch(source.label() + ".with", function.handlerClass(), root.resolve(source.eventFile()),
              childEnvironment(with, toolOptions, forwarding.endpoint(), moto), forwarding));
        }
      }
      Map<String, List<String>> archives = new HashMap<>();
      for (Launch launch : launches) {
        archives.put(launch.name(), options.cds() ? archive(launch, classPath, work, err) : List.of());
      }
      for (int run = 1; run <= options.runs(); run++) {
        err.printf("bench cold: run %d of %d (%d processes)%n", run, options.runs(), launches.size());
        for (Launch launch : launches) {
          int before = launch.recorder() == null ? 0 : launch.recorder().requests();
          Reported reported = launch(launch, classPath, work, archives.get(launch.name()));
          int after = launch.recorder() == null ? 0 : launch.recorder().requests();
          awsRequests.merge(launch.name(), after - before, Integer::sum);
          samples.computeIfAbsent(launch.name(), name -> new Samples()).add(reported.sample());
        }
      }
      // After the timed runs, one more process per case with the class-load log on: the log costs time, so no
      // timing comes from it; its AWS requests are not counted either.
      err.printf("bench cold: counting loaded classes (%d processes)%n", launches.size());
      for (Launch launch : launches) {
        Path log = work.resolve("classes-" + launch.name() + ".log");
        List<String> jvm = new ArrayList<>(archives.get(launch.name()));
        jvm.add(ClassCensus.logOption(log));
        Reported reported = launch(launch, classPath, work, jvm);
        classes.put(launch.name(), ClassCensus.read(log, reported.constructed(), reported.returned()));
      }
    } finally {
      deleteQuietly(work);
    }
    ColdReport report = ColdReport.of(
        at, MachineStamp.of(root), load, options.runs(), toolOptions, options.cds(), jarBytes, samples, awsRequests, classes);
    String json = new ObjectMapper().writeValueAsString(report);
    Path file = root.resolve("target/bench/cold-" + FILE_STAMP.format(at) + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json + "\n");
    out.println(report.table());
    out.println("figures written to " + file);
    out.println(json);
    return report.floorsFailed() ? 1 : 0;
  }

  private static Map<String, String> withoutReadModels(Map<String, String> environment) {
    Map<String, String> copy = new HashMap<>(environment);
    copy.remove("SUITE_RDS_URL");
    copy.remove("SUITE_OPENSEARCH_ENDPOINT");
    return copy;
  }

  /**
   * Only what the case sets, plus what any JVM needs: no variable of the shell leaks in (its AWS_PROFILE or a real
   * endpoint would change what is measured). One endpoint for every service, so that the recorder sees every call.
   */
  private static Map<String, String> childEnvironment(
      Map<String, String> environment, String toolOptions, String awsEndpoint, MotoServer moto) {
    Map<String, String> child = new HashMap<>();
    environment.forEach((name, value) -> {
      if (!name.startsWith("AWS_")) {
        child.put(name, value);
      }
    });
    child.put("JAVA_TOOL_OPTIONS", toolOptions);
    child.put("AWS_ENDPOINT_URL", awsEndpoint);
    child.put("AWS_REGION", moto.region());
    child.put("AWS_ACCESS_KEY_ID", moto.credentials().accessKeyId());
    child.put("AWS_SECRET_ACCESS_KEY", moto.credentials().secretAccessKey());
    child.put("AWS_LAMBDA_FUNCTION_NAME", FUNCTION);
    child.put("SUITE_LOG_LEVEL", "ERROR");
    child.put("SUITE_METRICS", "off");
    String path = System.getenv("PATH");
    if (path != null) {
      child.put("PATH", path);
    }
    return child;
  }

  private record Launch(String name, String handler, Path event, Map<String, String> environment, AwsRecorder recorder) {}

  /** What one process reported: epoch microseconds at launch, handler constructed and returned; the outcome. */
  private record Reported(long launched, long constructed, long returned, String outcome) {
    Sample sample() {
      return new Sample((constructed - launched) / 1000.0, (returned - constructed) / 1000.0, outcome);
    }
  }

  /**
   * One training run of the case with {@code -XX:ArchiveClassesAtExit}: the dynamic AppCDS archive of every class it
   * loaded (JDK 13+), which the timed runs then map with {@code -XX:SharedArchiveFile}.
   */
  private static List<String> archive(Launch launch, String classPath, Path work, PrintStream err)
      throws IOException, InterruptedException {
    Path archive = work.resolve(launch.name() + ".jsa");
    err.printf("bench cold: dumping the AppCDS archive of %s%n", launch.name());
    launch(launch, classPath, work, List.of("-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath()));
    if (!Files.isRegularFile(archive)) {
      throw new IllegalStateException(launch.name() + ": the training run wrote no AppCDS archive at " + archive
          + "; its stderr:\n" + tail(Files.readString(work.resolve("stderr.log"))));
    }
    return List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-Xshare:auto");
  }

  private static Reported launch(Launch launch, String classPath, Path work, List<String> jvmOptions)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path stderr = work.resolve("stderr.log");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classPath, ColdProbe.class.getName(), launch.handler(),
        launch.event().toAbsolutePath().toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
    builder.environment().clear();
    builder.environment().putAll(launch.environment());
    long launched = micros();
    Process process = builder.start();
    String stdout;
    try (InputStream in = process.getInputStream()) {
      stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(launch.name() + ": the JVM did not end within " + CHILD_TIMEOUT_SECONDS + " s");
    }
    String line = stdout.lines().filter(l -> l.startsWith(ColdProbe.MARK)).reduce((a, b) -> b).orElse(null);
    if (line == null) {
      throw new IllegalStateException(launch.name() + ": the JVM printed no timing (exit " + process.exitValue()
          + "); its stderr:\n" + tail(Files.readString(stderr)));
    }
    String[] parts = line.substring(ColdProbe.MARK.length()).split(" ", 3);
    return new Reported(launched, Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]);
  }

  private static String tail(String text) {
    return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
  }

  private static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /**
   * The probe and the floors, copied out of this module's classes into a jar of their own so the child loads
   * nothing else of the bench (a jar, not a directory: AppCDS archives only classes from jars).
   */
  private static String copyProbe(Path work) throws IOException {
    Path probe = work.resolve("probe.jar");
    String packagePath = ColdProbe.class.getPackageName().replace('.', '/');
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(probe))) {
      for (String name : PROBE_CLASSES) {
        try (InputStream in = ColdBench.class.getResourceAsStream("/" + packagePath + "/" + name + ".class")) {
          if (in == null) {
            throw new IllegalStateException("class " + name + " is not on the bench's class path");
          }
          jar.putNextEntry(new JarEntry(packagePath + "/" + name + ".class"));
          in.transferTo(jar);
          jar.closeEntry();
        }
      }
    }
    return probe.toAbsolutePath().toString();
  }

  /** The 1-, 5- and 15-minute load averages, so that figures from a busy machine are known as such. */
  private static String loadAverage() {
    Path loadavg = Path.of("/proc/loadavg");
    try {
      return Files.isReadable(loadavg) ? Files.readString(loadavg).trim() : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
