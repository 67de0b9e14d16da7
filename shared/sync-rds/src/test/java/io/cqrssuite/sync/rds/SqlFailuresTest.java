package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.FailureText;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {
  @Test
  void theRowsFaultIsPermanentAndTheMomentsIsTransient() {
    assertThat(SqlFailures.kind(new SQLException("too long", "22001"))).contains(FailureKind.PERMANENT);
    assertThat(SqlFailures.kind(new SQLException("check", "23514"))).contains(FailureKind.PERMANENT);
    assertThat(SqlFailures.kind(new SQLException("gone", "08006"))).contains(FailureKind.TRANSIENT);
    assertThat(SqlFailures.kind(new SQLException("serialization", "40001"))).contains(FailureKind.TRANSIENT);
    assertThat(SqlFailures.kind(new SQLException("deadlock", "40P01"))).contains(FailureKind.TRANSIENT);
    assertThat(SqlFailures.kind(new SQLException("admin shutdown", "57P01"))).contains(FailureKind.TRANSIENT);
    assertThat(SqlFailures.kind(new SQLException("out of memory", "53200"))).contains(FailureKind.TRANSIENT);
    assertThat(SqlFailures.kind(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).contains(FailureKind.TRANSIENT);
    assertThat(SqlFailures.kind(new SQLException("something", "HY000", 1105))).isEqualTo(Optional.empty());
  }

  @Test
  void aSchemaOrPrivilegeFaultIsTheDeploymentsAndTransientOnBothDialects() {
    for (String state : List.of("42703", "42P01", "42501", "42S02", "42S22", "42000", "0A000")) {
      SQLException error = new SQLException("refused", state);
      assertThat(SqlFailures.kind(error)).as(state).contains(FailureKind.TRANSIENT);
      assertThat(SqlFailures.forRecord("PRODUCT#acme#P-1", "product", error)).as(state)
          .isInstanceOf(TransientException.class)
          .hasMessageContaining("PRODUCT#acme#P-1")
          .hasMessageContaining(state);
    }
  }

  @Test
  void aBatchFailureIsReadFromTheServersOwnErrorAndNamesTheRecord() {
    BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT ... was aborted", "23514", new int[0]);
    batch.setNextException(new SQLException("violates check constraint \"product_price_not_negative\"", "23514"));

    RuntimeException failure = SqlFailures.forRecord("PRODUCT#acme#P-1", "product", batch);

    assertThat(failure).isInstanceOf(PermanentException.class)
        .hasMessageContaining("PRODUCT#acme#P-1")
        .hasMessageContaining("product_price_not_negative")
        .hasMessageNotContaining("Batch entry");
    assertThat(SqlFailures.forRecord("x", "product", new SQLException("?", "HY000")))
        .isInstanceOf(TransientException.class);
    assertThat(SqlFailures.connectionLost(new SQLException("closed", "08003"))).isTrue();
  }

  @Test
  void aServersMessageQuotingTheRowIsKeptForTheEnvelopeAndNamesOnlyIdentifiersElsewhere() {
    SQLException mariaDb = new SQLException("Duplicate entry 'ZZMARKER-1' for key 'product_name_uq'", "23000", 1062);
    SQLException postgres =
        new SQLException(
            "ERROR: duplicate key value violates unique constraint \"product_name_uq\"\n  Detail: Key (name)=(ZZMARKER-2)"
                + " already exists.",
            "23505");

    for (SQLException error : List.of(mariaDb, postgres)) {
      RuntimeException failure = SqlFailures.forRecord("PRODUCT#acme#P-1", "product", error);

      assertThat(failure).isInstanceOf(PermanentException.class)
          .hasMessageContaining("PRODUCT#acme#P-1")
          .hasMessageContaining(error.getSQLState())
          .hasMessageContaining("product_name_uq")
          .hasMessageNotContaining("ZZMARKER");
      assertThat(FailureText.of(failure).detailed()).as("the envelope's text").contains("ZZMARKER");
    }
  }
}
