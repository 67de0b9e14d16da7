package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.CatalogHandler;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the suite asks of its targets per change, counted, not estimated: a second handler (a second warm container)
 * whose PostgreSQL URL and OpenSearch endpoint point at {@link WireCounter} relays takes the log's stream records in
 * batches of the template's size, after two warm-up batches (connections opened, the table checked) that are not
 * counted.
 *
 * @param changes stream records delivered while counting
 */
record CostCounts(long changes, long invocations, long rdsStatements, long rdsRoundTrips, long openSearchRequests) {
  private static final Pattern JDBC_HOST = Pattern.compile("^(jdbc:[a-z]+://)([^/:]+):(\\d+)(/.*)$");

  static CostCounts measure(Map<String, String> environment, int batchSize, List<ObjectNode> records, int atLeast)
      throws Exception {
    Matcher jdbc = JDBC_HOST.matcher(environment.get("SUITE_RDS_URL"));
    if (!jdbc.matches()) {
      throw new IllegalArgumentException("SUITE_RDS_URL is not jdbc:<engine>://host:port/...: " + environment.get("SUITE_RDS_URL"));
    }
    URI search = URI.create(environment.get("SUITE_OPENSEARCH_ENDPOINT"));
    try (WireCounter rds = WireCounter.postgres(jdbc.group(2), Integer.parseInt(jdbc.group(3)));
        WireCounter openSearch = WireCounter.http(search.getHost(), search.getPort())) {
      Map<String, String> counted = new HashMap<>(environment);
      counted.put("SUITE_RDS_URL", jdbc.group(1) + "127.0.0.1:" + rds.port() + jdbc.group(4));
      counted.put("SUITE_OPENSEARCH_ENDPOINT", search.getScheme() + "://127.0.0.1:" + openSearch.port());
      SuitePath suite = new SuitePath(new CatalogHandler(counted), null, batchSize);
      // Two batches, or half of a log too short for that, so that something is left to count.
      int warmUp = Math.min(records.size() / 2, 2 * batchSize);
      for (int start = 0; start < warmUp; start += batchSize) {
        suite.invoke(records.subList(start, Math.min(warmUp, start + batchSize)));
      }
      long statements = rds.statements();
      long rdsTrips = rds.roundTrips();
      long requests = openSearch.roundTrips();
      long invocations = suite.invocations();
      int end = Math.min(records.size(), warmUp + Math.max(atLeast, 10 * batchSize));
      for (int start = warmUp; start < end; start += batchSize) {
        suite.invoke(records.subList(start, Math.min(end, start + batchSize)));
      }
      if (suite.failures() > 0) {
        throw new IllegalStateException(suite.failures() + " records failed while counting the cost");
      }
      return new CostCounts(
          end - warmUp, suite.invocations() - invocations, rds.statements() - statements, rds.roundTrips() - rdsTrips,
          openSearch.roundTrips() - requests);
    }
  }

  double perThousand(long count) {
    return changes == 0 ? 0 : count * 1000.0 / changes;
  }

  @Override
  public String toString() {
    return String.format(
        "%.1f RDS statements in %.1f round trips, %.1f OpenSearch requests, %.1f invocations (counted over %,d changes)",
        perThousand(rdsStatements), perThousand(rdsRoundTrips), perThousand(openSearchRequests), perThousand(invocations), changes);
  }
}
