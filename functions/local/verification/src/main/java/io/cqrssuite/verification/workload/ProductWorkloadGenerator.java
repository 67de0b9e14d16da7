package io.cqrssuite.verification.workload;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates a product command log (the example domain of {@code example-domain.md}): every product's versions in
 * order, some ending deleted, some deleted and created again, and TTL expiries of old command items. The log is
 * the truth the read models are checked against; delivery effects (duplicates, reordering) are added later, by
 * {@link StreamDeliveries}.
 */
public final class ProductWorkloadGenerator {
  private static final String[] CATEGORIES = {"kitchen", "garden", "books", "toys", "audio", "office", "outdoor", "bath"};
  private static final String[] TAGS = {"new", "sale", "eco", "premium", "gift", "bulk", "limited", "classic", "compact", "wireless"};
  private static final String[] WORDS = {
    "steel", "bamboo", "linen", "ceramic", "walnut", "copper", "wool", "glass", "oak", "cotton", "kettle", "lamp", "chair",
    "speaker", "notebook", "planter", "towel", "puzzle", "blanket", "mug"
  };
  private static final String[] COLORS = {"black", "white", "red", "green", "natural", "blue"};
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ProductWorkloadGenerator() {}

  /** The log in the order the commands were written (per product: versions ascending), interleaved across products. */
  public static List<ProductCommand> generate(WorkloadOptions options) {
    SplittableRandom random = new SplittableRandom(options.seed());
    List<List<ProductCommand>> perProduct = new ArrayList<>(options.entities());
    for (int e = 0; e < options.entities(); e++) {
      perProduct.add(history(options, random, e));
    }
    // Interleave products the way concurrent writers would: repeatedly take the next command of a random product.
    List<ProductCommand> log = new ArrayList<>();
    int[] next = new int[perProduct.size()];
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < perProduct.size(); i++) {
      open.add(i);
    }
    while (!open.isEmpty()) {
      int pick = random.nextInt(open.size());
      int product = open.get(pick);
      log.add(perProduct.get(product).get(next[product]++));
      if (next[product] == perProduct.get(product).size()) {
        open.set(pick, open.get(open.size() - 1));
        open.remove(open.size() - 1);
      }
    }
    return log;
  }

  private static List<ProductCommand> history(WorkloadOptions options, SplittableRandom random, int index) {
    String tenant = index % 7 == 0 ? "globex" : "acme";
    String code = String.format("P-%06d", index);
    boolean deleteAtEnd = random.nextDouble() < options.deleteRate();
    int recreateAt = options.versions() >= 3 && random.nextDouble() < options.recreateRate() ? 1 + random.nextInt(options.versions() - 2) : -1;
    Instant created = START.plusSeconds(random.nextInt(86_400));
    // Its own stream, so that the attributes added later left every other draw (and so every seeded log) as it was.
    SplittableRandom extras = new SplittableRandom(options.seed() ^ (0x9E3779B97F4A7C15L * (index + 1)));
    List<ProductCommand> history = new ArrayList<>();
    ObjectNode previous = null;
    for (int v = 1; v <= options.versions(); v++) {
      boolean deleted = (deleteAtEnd && v == options.versions()) || v == recreateAt;
      Instant updated = created.plusSeconds(60L * v + random.nextInt(60));
      ObjectNode image = deleted && previous != null ? previous.deepCopy() : image(random, tenant, code, created, updated);
      if (!deleted || previous == null) {
        unmapped(extras, image);
      }
      image.put("sk", code + "@" + String.format("%010d", v));
      image.put("version", v);
      image.put("isDeleted", deleted);
      image.put("updatedAt", updated.toString());
      image.put("ttl", updated.getEpochSecond() + 30L * 86_400);
      history.add(new ProductCommand(tenant, code, v, deleted, false, image));
      if (v < options.versions() && random.nextDouble() < options.ttlRate()) {
        // The expiry of this command item is seen by the stream after later versions exist.
        history.add(new ProductCommand(tenant, code, v, false, true, image.deepCopy()));
      }
      previous = image;
    }
    return history;
  }

  private static ObjectNode image(SplittableRandom random, String tenant, String code, Instant created, Instant updated) {
    ObjectNode image = NODES.objectNode();
    image.put("pk", "PRODUCT#" + tenant);
    image.put("code", code);
    image.put("id", "PRODUCT#" + tenant + "#" + code);
    image.put("tenantCode", tenant);
    image.put("name", pick(random, WORDS) + " " + pick(random, WORDS) + " " + code.substring(2));
    if (random.nextInt(4) != 0) {
      image.put("description", "A " + pick(random, WORDS) + " " + pick(random, WORDS) + " for every " + pick(random, WORDS) + ".");
    }
    image.put("price", 100L * (1 + random.nextInt(50_000)));
    image.put("category", pick(random, CATEGORIES));
    ArrayNode tags = image.putArray("tags");
    int count = random.nextInt(4);
    for (int t = 0; t < count; t++) {
      String tag = pick(random, TAGS);
      boolean seen = false;
      for (var existing : tags) {
        seen |= existing.asText().equals(tag);
      }
      if (!seen) {
        tags.add(tag);
      }
    }
    image.put("isActive", random.nextInt(5) != 0);
    image.put("createdAt", created.toString());
    image.put("updatedAt", updated.toString());
    return image;
  }

  /**
   * Attributes no read-model column names, so the relational model keeps them only in its {@code attributes} JSON
   * column and the search model only in {@code _source}: a number, a string and a nested map, each sometimes absent.
   */
  private static void unmapped(SplittableRandom random, ObjectNode image) {
    if (random.nextInt(3) != 0) {
      image.put("color", pick(random, COLORS));
    }
    image.put("weightGrams", 50L + random.nextInt(20_000));
    if (random.nextBoolean()) {
      ObjectNode dimensions = image.putObject("dimensionsMm");
      dimensions.put("width", 10 + random.nextInt(990));
      dimensions.put("height", 10 + random.nextInt(990));
      dimensions.put("depth", 10 + random.nextInt(990));
    }
  }

  private static String pick(SplittableRandom random, String[] values) {
    return values[random.nextInt(values.length)];
  }
}
