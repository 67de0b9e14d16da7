package io.cqrssuite.verification.importrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares one tenant's products in both read models with what a stage expects, reading them as a user would
 * (plain SQL on {@code product_live}, plain HTTP on the OpenSearch read alias): an expected live product must be
 * there at its version with its fields, an expected deleted one must not be visible, and the tenant must show no
 * other product. Other tenants (the other stages' data) are not looked at.
 */
public final class TenantReadModelCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_EXAMPLES = 5;

  private TenantReadModelCheck() {}

  /** One read model against the expectation: products visible for the tenant, and how many differ. */
  public record Report(String model, long visible, long mismatches, List<String> examples) {}

  /** Where the read models are. */
  public record ReadModels(String jdbcUrl, String user, String password, String searchEndpoint, String readAlias, String writeAlias) {}

  public static Report relational(ReadModels at, String tenant, Map<String, ExpectedProduct> expected) throws SQLException {
    Map<String, Seen> visible = new HashMap<>();
    try (Connection connection = DriverManager.getConnection(at.jdbcUrl(), at.user(), at.password());
        PreparedStatement select = connection.prepareStatement(
            "SELECT id, version, name, price, category, is_active FROM product_live WHERE tenant_code = ?")) {
      select.setString(1, tenant);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          visible.put(rows.getString(1), new Seen(rows.getLong(2), rows.getString(3), rows.getLong(4), rows.getString(5), rows.getBoolean(6)));
        }
      }
    }
    return compare("PostgreSQL", visible, expected);
  }

  public static Report search(ReadModels at, String tenant, Map<String, ExpectedProduct> expected) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    String endpoint = at.searchEndpoint().replaceAll("/+$", "");
    post(http, endpoint + "/" + at.writeAlias() + "/_refresh", "{}");
    Map<String, Seen> visible = new HashMap<>();
    JsonNode page = post(http, endpoint + "/" + at.readAlias() + "/_search?scroll=1m",
        "{\"size\":1000,\"version\":true,\"query\":{\"term\":{\"tenantCode\":" + JSON.writeValueAsString(tenant) + "}},"
            + "\"_source\":[\"version\",\"name\",\"price\",\"category\",\"isActive\"]}");
    while (true) {
      JsonNode hits = page.path("hits").path("hits");
      if (hits.isEmpty()) {
        break;
      }
      for (JsonNode hit : hits) {
        JsonNode source = hit.path("_source");
        long version = hit.path("_version").asLong();
        // _source and the external version disagreeing is reported as a version mismatch.
        long shown = source.path("version").asLong(version) == version ? version : -version;
        visible.put(hit.path("_id").asText(), new Seen(shown, source.path("name").asText(null), source.path("price").asLong(),
            source.path("category").asText(null), source.path("isActive").asBoolean()));
      }
      page = post(http, endpoint + "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + page.path("_scroll_id").asText() + "\"}");
    }
    return compare("OpenSearch", visible, expected);
  }

  private record Seen(long version, String name, long price, String category, boolean active) {}

  private static Report compare(String model, Map<String, Seen> visible, Map<String, ExpectedProduct> expected) {
    long shown = visible.size();
    long mismatches = 0;
    List<String> examples = new ArrayList<>();
    for (ExpectedProduct product : expected.values()) {
      String problem = problem(product, visible.remove(product.id()));
      if (problem != null) {
        mismatches++;
        if (examples.size() < MAX_EXAMPLES) {
          examples.add(model + " " + problem);
        }
      }
    }
    for (String unknown : visible.keySet()) {
      mismatches++;
      if (examples.size() < MAX_EXAMPLES) {
        examples.add(model + " " + unknown + ": visible but not expected");
      }
    }
    return new Report(model, shown, mismatches, List.copyOf(examples));
  }

  private static String problem(ExpectedProduct product, Seen seen) {
    if (product.deleted()) {
      return seen == null ? null : product.id() + ": deleted at v" + product.version() + " but visible at v" + seen.version();
    }
    if (seen == null) {
      return product.id() + ": expected v" + product.version() + " but missing";
    }
    if (seen.version() != product.version()) {
      return product.id() + ": expected v" + product.version() + ", found v" + seen.version();
    }
    if (!Objects.equals(product.name(), seen.name()) || product.price() != seen.price()
        || !Objects.equals(product.category(), seen.category()) || product.active() != seen.active()) {
      return product.id() + ": v" + product.version() + " with other field values than expected";
    }
    return null;
  }

  private static JsonNode post(HttpClient http, String url, String body) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IOException("OpenSearch answered " + response.statusCode() + " to " + url + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
