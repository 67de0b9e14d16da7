package io.cqrssuite.sync.rds;

import static io.cqrssuite.sync.rds.RdsFixture.newCode;
import static io.cqrssuite.sync.rds.RdsFixture.product;
import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.failure.FailureKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch with more bad rows than one split budget can isolate: the rows the budget did not reach are retried on
 * redelivery under their own name, never failed with a neighbour's error (issue 12, point 3).
 */
class SplitBudgetTest {
  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void onlyTheRowsAtFaultAreDeadLetteredWhenTheSplitBudgetRunsOut(String engine) throws Exception {
    RdsFixture fixture = RdsFixture.of(engine);
    List<ChangeRecord> batch = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String code = newCode();
      if (i % 10 == 3) {
        // Only the database knows this rule (CHECK price >= 0): the batch must be split to find these rows.
        batch.add(product(code, 1, false, image -> image.put("price", -5)));
        bad.add(RdsFixture.idOf(code));
      } else {
        batch.add(product(code, 1));
      }
    }
    StreamRedelivery stream = new StreamRedelivery(fixture.handler, 20, Duration.ZERO);

    stream.deliver(batch);

    Set<String> deadLettered =
        stream.deadLetters().stream().map(letter -> letter.change().id()).collect(Collectors.toSet());
    assertThat(deadLettered).containsExactlyInAnyOrderElementsOf(bad);
    for (StreamRedelivery.DeadLetter letter : stream.deadLetters()) {
      assertThat(letter.failure().kind()).isEqualTo(FailureKind.PERMANENT);
      assertThat(letter.failure().error())
          .hasMessageContaining(letter.change().id())
          .hasMessageContaining("product_price_not_negative");
    }
    assertThat(stream.givenUp()).isZero();
    // The budget did run out: some rows needed a redelivery to be written.
    assertThat(stream.redeliveries()).isPositive();
    for (ChangeRecord change : batch) {
      assertThat(fixture.row(change.id()).isPresent()).as("a row for %s", change.id()).isEqualTo(!bad.contains(change.id()));
    }
  }
}
