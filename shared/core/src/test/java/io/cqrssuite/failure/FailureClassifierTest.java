package io.cqrssuite.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cqrssuite.event.InvalidEventException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {
  @Test
  void permanentExceptionsAndTheirSubclassesArePermanent() {
    assertThat(FailureClassifier.classify(new PermanentException("bad"))).isEqualTo(FailureKind.PERMANENT);
    assertThat(FailureClassifier.classify(new InvalidEventException("body", "bad"))).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void permanentCauseMakesTheWrapperPermanent() {
    RuntimeException wrapped = new RuntimeException("outer", new IllegalStateException("mid", new PermanentException("root")));

    assertThat(FailureClassifier.classify(wrapped)).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void theFirstExplicitKindInTheCauseChainWins() {
    assertThat(FailureClassifier.classify(new TransientException("retry", new PermanentException("inner"))))
        .isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureClassifier.classify(new PermanentException("stop", new TransientException("inner"))))
        .isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void unknownErrorsAreTransient() {
    assertThat(FailureClassifier.classify(new IOException("reset"))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureClassifier.classify(new IllegalStateException())).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureClassifier.classify(null)).isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void cyclicCauseChainIsClassifiedInsteadOfLoopingForever() {
    // Throwable.initCause only refuses self-causation; a two-element cycle is legal and some libraries build one.
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    FailureKind kind = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> FailureClassifier.classify(a));

    assertThat(kind).isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void permanentExceptionInsideACycleIsStillFound() {
    RuntimeException a = new RuntimeException("a");
    PermanentException p = new PermanentException("p", a);
    RuntimeException b = new RuntimeException("b", p);
    a.initCause(b);

    FailureKind kind = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> FailureClassifier.classify(a));

    assertThat(kind).isEqualTo(FailureKind.PERMANENT);
  }
}
