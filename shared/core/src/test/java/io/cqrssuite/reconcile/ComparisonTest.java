package io.cqrssuite.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The comparison rule, case by case, and the canonical hash that makes equal content equal. */
class ComparisonTest {
  private static SourceEntity live(long version) {
    return new SourceEntity("P#c", version, false);
  }

  private static SourceEntity deleted(long version) {
    return new SourceEntity("P#c", version, true);
  }

  private static StoredEntity stored(long version, boolean deleted, String hash) {
    return new StoredEntity("P#c", version, deleted, hash);
  }

  private static Optional<DifferenceKind> compare(SourceEntity source, StoredEntity stored) {
    return Comparison.of(source, stored, "h");
  }

  @Test
  void eachKindOfDifference() {
    assertThat(compare(live(3), null)).contains(DifferenceKind.LOST);
    assertThat(compare(live(3), stored(2, false, "h"))).contains(DifferenceKind.STALE);
    assertThat(compare(live(3), stored(2, true, null))).contains(DifferenceKind.STALE);
    assertThat(compare(live(3), stored(3, false, "other"))).contains(DifferenceKind.DRIFTED);
    assertThat(compare(live(3), stored(3, true, null))).contains(DifferenceKind.DRIFTED);
    assertThat(compare(deleted(3), stored(3, false, "h"))).contains(DifferenceKind.RESURRECTED);
    assertThat(compare(deleted(3), stored(2, false, "h"))).contains(DifferenceKind.RESURRECTED);
    assertThat(compare(null, stored(3, false, "h"))).contains(DifferenceKind.ORPHANED);
    assertThat(compare(null, stored(3, true, null))).contains(DifferenceKind.ABSENT);
  }

  @Test
  void noDifference() {
    assertThat(compare(live(3), stored(3, false, "h"))).isEmpty();
    assertThat(compare(live(3), stored(4, false, "x"))).as("the read model is ahead").isEmpty();
    assertThat(compare(deleted(3), stored(4, false, "x"))).as("ahead of a delete: a newer create").isEmpty();
    assertThat(compare(deleted(3), null)).as("a missing tombstone hides nothing").isEmpty();
    assertThat(compare(deleted(3), stored(3, true, null))).isEmpty();
    assertThat(compare(null, null)).isEmpty();
    assertThat(DifferenceKind.ABSENT.needsHealing()).isFalse();
  }

  @Test
  void theHashIgnoresKeyOrderAndHowANumberIsWritten() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String a = ContentHash.of(json.readTree("{\"b\": [1, 2], \"a\": {\"y\": 12.50, \"x\": \"s\"}}"));
    String b = ContentHash.of(json.readTree("{\"a\": {\"x\": \"s\", \"y\": 1.25E1}, \"b\": [1.0, 2]}"));
    String c = ContentHash.of(json.readTree("{\"a\": {\"x\": \"s\", \"y\": 12.51}, \"b\": [1, 2]}"));
    String d = ContentHash.of(json.readTree("{\"a\": {\"x\": \"s\", \"y\": 12.5}, \"b\": [2, 1]}"));
    assertThat(a).isEqualTo(b).isNotEqualTo(c).isNotEqualTo(d).hasSize(32);
  }
}
