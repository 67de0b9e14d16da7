package io.cqrssuite.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rule every {@code ./suite} command that writes applies before its first write, so a command cannot spread one
 * operation over a real account and engines that vanish when it ends (replaying real dead letters into throw-away
 * engines, then deleting them, was the failure this prevents).
 *
 * <p>A command's places are its source (for {@code dlq replay}, the queue) and the targets its handler writes:
 * <ul>
 *   <li>an AWS place (a table, queue, topic, bucket or state machine named by a {@code SUITE_*} variable) is
 *       {@link Kind#AWS real} when no endpoint override points its service elsewhere, or when the override's host is
 *       an AWS one ({@code *.amazonaws.com}, {@code *.amazonaws.com.cn}); else {@link Kind#EMULATED};
 *   <li>a read model ({@value #RDS}, {@value #OPENSEARCH}) is {@link Kind#CONFIGURED} when the variable has a value,
 *       {@link Kind#EMBEDDED} when the command would start an engine for it.
 * </ul>
 * The rule: embedded engines only with the command's consent ({@code --local} for replay); embedded places never
 * beside real or configured ones; and a command that takes from a real source must have every read model and every
 * variable naming a deployed resource from the user, not from a local reading of the template, which can only make
 * them up. A dry run writes nothing, so only the last rule's part about deleting matters to it: none applies.
 */
final class WriteTargets {
  static final String RDS = "SUITE_RDS_URL";
  static final String OPENSEARCH = "SUITE_OPENSEARCH_ENDPOINT";
  static final List<String> READ_MODELS = List.of(RDS, OPENSEARCH);

  /** Where writes to a place land. */
  enum Kind {
    /** An AWS service at its AWS endpoint: an account's real resource. */
    AWS,
    /** An AWS service at an endpoint override elsewhere (LocalStack, moto, ElasticMQ, a stand-in). */
    EMULATED,
    /** A read model at an endpoint the user gave. */
    CONFIGURED,
    /** A read model on an engine the command starts, gone when it ends. */
    EMBEDDED
  }

  /** One place: the variable that names it, its value (blank for an embedded engine) and its kind. */
  record Place(String variable, String value, Kind kind) {
    String describe() {
      return variable + (value == null || value.isBlank() ? "" : "=" + value) + " (" + kind.name().toLowerCase(Locale.ROOT) + ")";
    }
  }

  /**
   * What the command was told: whether embedded engines are meant (its {@code --local}, or a command's documented
   * local default), whether it only looks ({@code --dry-run}), and how the user can name a missing place.
   */
  record Intent(boolean embeddedAllowed, String embeddedFlag, boolean dryRun, String howToName) {}

  /** Variable suffixes that name an AWS place, with the SDK's service id for endpoint overrides. */
  private static final Map<String, String> SERVICE_BY_SUFFIX = new LinkedHashMap<>();

  static {
    SERVICE_BY_SUFFIX.put("_TABLE", "DYNAMODB");
    SERVICE_BY_SUFFIX.put("_QUEUE_URL", "SQS");
    SERVICE_BY_SUFFIX.put("_TOPIC_ARN", "SNS");
    SERVICE_BY_SUFFIX.put("_BUCKET", "S3");
    SERVICE_BY_SUFFIX.put("_STATE_MACHINE_ARN", "SFN");
  }

  private final Place source;
  private final List<Place> targets;
  private final Set<String> mustBeExplicit;
  private final Set<String> explicit;

  private WriteTargets(Place source, List<Place> targets, Set<String> mustBeExplicit, Set<String> explicit) {
    this.source = source;
    this.targets = List.copyOf(targets);
    this.mustBeExplicit = mustBeExplicit;
    this.explicit = explicit;
  }

  /**
   * The places of a command.
   *
   * @param source the place the command takes from and deletes in ({@code null} when none), see {@link #aws}
   * @param environment the handler's environment as the command built it, before embedded engines are started
   * @param embedded the read models the command would start an engine for, when their variable is blank
   * @param stackVariables the variables the template fills from the deployed stack ({@code SamTemplate#stackVariables})
   * @param explicit the variables the user gave (shell, env-vars file, deployed environment)
   */
  static WriteTargets of(Place source, Map<String, String> environment, Collection<String> embedded, Collection<String> stackVariables, Collection<String> explicit) {
    List<Place> targets = new ArrayList<>();
    for (String readModel : READ_MODELS) {
      String value = environment.get(readModel);
      if (value != null && !value.isBlank()) {
        targets.add(new Place(readModel, value.trim(), Kind.CONFIGURED));
      } else if (embedded.contains(readModel)) {
        targets.add(new Place(readModel, "", Kind.EMBEDDED));
      }
    }
    new TreeSet<>(environment.keySet()).forEach(name -> {
      String service = service(name);
      String value = environment.get(name);
      if (service != null && value != null && !value.isBlank()) {
        targets.add(new Place(name, value, aws(service, environment)));
      }
    });
    Set<String> mustBeExplicit = new TreeSet<>(stackVariables);
    mustBeExplicit.addAll(READ_MODELS);
    if (source != null) {
      mustBeExplicit.remove(source.variable());
    }
    return new WriteTargets(source, targets, mustBeExplicit, new TreeSet<>(explicit));
  }

  /** The SDK service id of a variable that names an AWS place, else {@code null}. */
  static String service(String variable) {
    if (!variable.startsWith("SUITE_")) {
      return null;
    }
    for (Map.Entry<String, String> suffix : SERVICE_BY_SUFFIX.entrySet()) {
      if (variable.endsWith(suffix.getKey())) {
        return suffix.getValue();
      }
    }
    return null;
  }

  /**
   * Whether a call to {@code service} reaches AWS: the SDK's endpoint override for it ({@code AWS_ENDPOINT_URL_<ID>},
   * else {@code AWS_ENDPOINT_URL}) is unset, or names an AWS host.
   */
  static Kind aws(String service, Map<String, String> environment) {
    String override = environment.get("AWS_ENDPOINT_URL_" + service);
    if (override == null || override.isBlank()) {
      override = environment.get("AWS_ENDPOINT_URL");
    }
    if (override == null || override.isBlank()) {
      return Kind.AWS;
    }
    String host;
    try {
      host = URI.create(override.trim()).getHost();
    } catch (IllegalArgumentException e) {
      host = null;
    }
    if (host == null) {
      // Not a URL the SDK could use either; taking it for AWS makes the rule stricter, never looser.
      return Kind.AWS;
    }
    host = host.toLowerCase(Locale.ROOT);
    return host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn") ? Kind.AWS : Kind.EMULATED;
  }

  Place source() {
    return source;
  }

  List<Place> targets() {
    return targets;
  }

  /** The read models the command may start engines for, once {@link #refusals} found nothing. */
  Set<String> embedded() {
    Set<String> names = new TreeSet<>();
    targets.stream().filter(p -> p.kind() == Kind.EMBEDDED).forEach(p -> names.add(p.variable()));
    return names;
  }

  /** Why the command must not run as asked; empty when it may. */
  List<String> refusals(Intent intent) {
    List<String> reasons = new ArrayList<>();
    List<Place> all = new ArrayList<>(targets);
    if (source != null) {
      all.add(0, source);
    }
    List<Place> embedded = all.stream().filter(p -> p.kind() == Kind.EMBEDDED).toList();
    List<Place> real = all.stream().filter(p -> p.kind() == Kind.AWS || p.kind() == Kind.CONFIGURED).toList();
    if (intent.dryRun()) {
      return reasons;
    }
    if (!embedded.isEmpty() && !intent.embeddedAllowed()) {
      reasons.add(
          names(embedded) + (embedded.size() == 1 ? " is" : " are") + " not configured: set "
              + (embedded.size() == 1 ? "it" : "them") + " to the read model to write, or pass " + intent.embeddedFlag()
              + " to write into embedded engines that are gone when the command ends");
    }
    if (!embedded.isEmpty() && !real.isEmpty()) {
      reasons.add(
          "real and embedded places mixed: " + real.stream().map(Place::describe).toList() + " beside embedded "
              + names(embedded) + "; configure every read model, or point every AWS service at a local endpoint");
    }
    if (source != null && source.kind() == Kind.AWS) {
      Set<String> missing = new TreeSet<>(mustBeExplicit);
      missing.removeAll(explicit);
      if (!missing.isEmpty()) {
        reasons.add(
            source.describe() + " is a real AWS place, and the template cannot say where its records belong: "
                + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " not given ("
                + intent.howToName() + "; an empty value says the stack has no such place)");
      }
    }
    return reasons;
  }

  /** Throws a {@link Arguments.UsageException} with every reason when {@link #refusals} finds any. */
  void enforce(Intent intent) {
    List<String> refusals = refusals(intent);
    if (!refusals.isEmpty()) {
      throw new Arguments.UsageException("refused: " + String.join("; ", refusals));
    }
  }

  private static String names(List<Place> places) {
    return String.join(", ", places.stream().map(Place::variable).toList());
  }
}
