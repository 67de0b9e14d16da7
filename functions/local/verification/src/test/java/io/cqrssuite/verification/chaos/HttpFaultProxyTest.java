package io.cqrssuite.verification.chaos;

import io.cqrssuite.testing.polling.Eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.GetResponse;
import org.opensearch.client.transport.httpclient5.ResponseException;

/** {@link HttpFaultProxy} between HTTP clients (the JDK's, and the suite's opensearch-java) and a real OpenSearch node. */
class HttpFaultProxyTest {
  private static final FaultPlan ALWAYS_503 = new FaultPlan(0, 0, 0, 0, 1, 1);
  private static final FaultPlan RESET_AFTER = new FaultPlan(0, 1, 0, 0, 0, 1);
  private static final FaultPlan RESET_BEFORE = new FaultPlan(1, 0, 0, 0, 0, 1);

  private final URI openSearch = TestEngines.openSearch().endpoint();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void withoutFaultsResponsesAreTheSameAsOpenSearchsOwn() throws Exception {
    String index = index();
    try (HttpFaultProxy proxy = proxy(FaultPlan.none())) {
      URI via = URI.create("http://127.0.0.1:" + proxy.port());
      assertThat(send(via, "PUT", "/" + index, "{\"settings\":{\"number_of_replicas\":0}}").statusCode()).isEqualTo(200);
      // Content-Length body, with Expect: 100-continue (the proxy relays the interim 100).
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(via.resolve("/" + index + "/_doc/1?refresh=true"))
                  .expectContinue(true)
                  .PUT(BodyPublishers.ofString("{\"name\":\"first\"}"))
                  .header("Content-Type", "application/json")
                  .build(),
              BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      // A chunked body: the JDK client sends one when it cannot know the length.
      StringBuilder bulk = new StringBuilder();
      for (int i = 2; i <= 60; i++) {
        bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n{\"name\":\"doc ").append(i).append("\"}\n");
      }
      byte[] bulkBytes = bulk.toString().getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> bulked =
          http.send(
              HttpRequest.newBuilder(via.resolve("/" + index + "/_bulk?refresh=true"))
                  .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bulkBytes)))
                  .header("Content-Type", "application/x-ndjson")
                  .build(),
              BodyHandlers.ofString());
      assertThat(bulked.statusCode()).isEqualTo(200);
      assertThat(bulked.body()).contains("\"errors\":false");

      List<String[]> reads =
          List.of(
              new String[] {"GET", "/" + index + "/_doc/1"},
              new String[] {"GET", "/" + index + "/_doc/60"},
              new String[] {"GET", "/" + index + "/_doc/missing"},
              new String[] {"GET", "/" + index + "/_count"},
              new String[] {"GET", "/" + index + "/_search?q=name:doc&size=100&sort=_id&filter_path=hits"},
              new String[] {"HEAD", "/" + index},
              new String[] {"HEAD", "/" + index + "-absent"},
              new String[] {"GET", "/" + index + "-absent/_doc/1"});
      for (String[] read : reads) {
        HttpResponse<String> direct = send(openSearch, read[0], read[1], null);
        HttpResponse<String> proxied = send(via, read[0], read[1], null);
        assertThat(proxied.statusCode()).as(read[1]).isEqualTo(direct.statusCode());
        assertThat(proxied.body()).as(read[1]).isEqualTo(direct.body());
        assertThat(proxied.headers().firstValue("content-length"))
            .as(read[1])
            .isEqualTo(direct.headers().firstValue("content-length"));
        assertThat(proxied.headers().firstValue("content-type"))
            .as(read[1])
            .isEqualTo(direct.headers().firstValue("content-type"));
      }
      assertThat(send(via, "GET", "/" + index + "/_count", null).body()).contains("\"count\":60");

      FaultCounts counts = proxy.counts();
      assertThat(counts.connections()).as("keep-alive: one connection for every request").isEqualTo(1);
      assertThat(counts.forwarded()).isEqualTo(3 + reads.size() + 1);
      assertThat(counts.resets() + counts.errors503() + counts.stalls()).isZero();
    }
  }

  @Test
  void theSuitesOpenSearchClientWorksThroughTheProxy() throws Exception {
    String index = index();
    try (HttpFaultProxy proxy = proxy(FaultPlan.none())) {
      OpenSearchClient client = client(proxy);
      try {
        assertThat(client.ping().value()).isTrue();
        client.indices().create(c -> c.index(index));
        client.index(i -> i.index(index).id("a").document(Map.of("name", "alpha")).refresh(Refresh.True));
        client.bulk(
            b ->
                b.index(index)
                    .refresh(Refresh.True)
                    .operations(o -> o.index(i -> i.id("b").document(Map.of("name", "beta"))))
                    .operations(o -> o.index(i -> i.id("c").document(Map.of("name", "gamma")))));
        GetResponse<Map> got = client.get(g -> g.index(index).id("b"), Map.class);
        assertThat(got.found()).isTrue();
        assertThat(got.source()).containsEntry("name", "beta");
        assertThat(client.count(c -> c.index(index)).count()).isEqualTo(3);
      } finally {
        client._transport().close();
      }
      assertThat(proxy.counts().forwarded()).isEqualTo(6);
      assertThat(proxy.counts().resets()).isZero();
    }
  }

  @Test
  void an503IsATransientOpenSearchErrorAndKeepsTheConnectionAlive() throws Exception {
    String index = index();
    try (HttpFaultProxy proxy = proxy(FaultPlan.none())) {
      URI via = URI.create("http://127.0.0.1:" + proxy.port());
      assertThat(send(via, "PUT", "/" + index, "{}").statusCode()).isEqualTo(200);

      proxy.plan(ALWAYS_503);
      HttpResponse<String> refused = send(via, "POST", "/" + index + "/_doc", "{\"name\":\"refused\"}");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("content-type")).hasValue("application/json; charset=UTF-8");
      assertThat(refused.body()).contains("\"reason\":\"injected by FaultProxy\"").endsWith("\"status\":503}");
      assertThat(send(via, "HEAD", "/" + index, null).statusCode()).isEqualTo(503);

      // The next request of the same connection meets the new plan: the 503s (one to a HEAD) left it usable.
      proxy.plan(FaultPlan.none());
      assertThat(send(via, "GET", "/" + index + "/_count", null).body()).contains("\"count\":0");
      assertThat(proxy.counts()).isEqualTo(new FaultCounts(1, 2, 0, 0, 2));

      proxy.plan(ALWAYS_503);
      OpenSearchClient client = client(proxy);
      try {
        assertThatThrownBy(() -> client.get(g -> g.index(index).id("x"), Map.class))
            .isInstanceOfSatisfying(
                ResponseException.class,
                e -> {
                  // What the plain-HTTP transport throws for a real 503 too; the sync handler reads its status.
                  assertThat(e.status()).isEqualTo(503);
                  assertThat(e).hasMessageContaining("injected by FaultProxy");
                  assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT);
                });
      } finally {
        client._transport().close();
      }
    }
  }

  @Test
  void aResetAfterForwardingIndexesTheDocumentThoughTheClientSeesAnError() throws Exception {
    String index = index();
    try (HttpFaultProxy proxy = proxy(FaultPlan.none())) {
      OpenSearchClient client = client(proxy);
      try {
        client.indices().create(c -> c.index(index));
        proxy.plan(RESET_AFTER);

        assertThatThrownBy(
                () ->
                    client.index(
                        i -> i.index(index).id("lost-answer").document(Map.of("name", "x")).refresh(Refresh.True)))
            .isInstanceOf(IOException.class);

        proxy.plan(FaultPlan.none());
        GetResponse<Map> got = client.get(g -> g.index(index).id("lost-answer"), Map.class);
        assertThat(got.found()).as("the write happened though its answer was lost").isTrue();
        assertThat(got.version()).isEqualTo(1);
        assertThat(proxy.counts().resets()).isEqualTo(1);
      } finally {
        client._transport().close();
      }
    }
  }

  @Test
  void aResetBeforeForwardingNeverReachesOpenSearch() throws Exception {
    String index = index();
    try (HttpFaultProxy proxy = proxy(FaultPlan.none())) {
      OpenSearchClient client = client(proxy);
      try {
        client.indices().create(c -> c.index(index));
        proxy.plan(RESET_BEFORE);

        assertThatThrownBy(() -> client.index(i -> i.index(index).id("lost").document(Map.of("name", "x"))))
            .isInstanceOf(IOException.class);

        proxy.plan(FaultPlan.none());
        assertThat(client.get(g -> g.index(index).id("lost"), Map.class).found()).isFalse();
      } finally {
        client._transport().close();
      }
    }
  }

  @Test
  void aResetIsAnRstNotAnOrderlyClose() throws Exception {
    try (HttpFaultProxy proxy = proxy(FaultPlan.outage());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(() -> client.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
  }

  @Test
  void stallsSlowRequestsDownWithoutChangingTheirAnswers() throws Exception {
    try (HttpFaultProxy proxy = proxy(new FaultPlan(0, 0, 1, 100, 0, 3))) {
      URI via = URI.create("http://127.0.0.1:" + proxy.port());
      String expected = send(openSearch, "GET", "/_cluster/health/absent-index?timeout=0s", null).body();
      long started = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        assertThat(send(via, "GET", "/_cluster/health/absent-index?timeout=0s", null).body()).isEqualTo(expected);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
      assertThat(proxy.counts()).isEqualTo(new FaultCounts(1, 3, 0, 3, 0));
    }
  }

  @Test
  void countsAddUpToWhatTheClientSaw() throws Exception {
    String index = index();
    assertThat(send(openSearch, "PUT", "/" + index, "{}").statusCode()).isEqualTo(200);
    int ok = 0;
    int unavailable = 0;
    int broken = 0;
    try (HttpFaultProxy proxy = proxy(new FaultPlan(0.1, 0.1, 0.1, 5, 0.2, 11))) {
      URI via = URI.create("http://127.0.0.1:" + proxy.port());
      for (int i = 0; i < 80; i++) {
        try {
          // POST: the JDK client retries no request that is not idempotent, so each send is one request.
          int status = send(via, "POST", "/" + index + "/_count", "{\"query\":{\"match_all\":{}}}").statusCode();
          if (status == 200) {
            ok++;
          } else if (status == 503) {
            unavailable++;
          }
        } catch (IOException e) {
          broken++;
        }
      }
      assertThat(ok + unavailable + broken).isEqualTo(80);
      assertThat(ok).isPositive();
      assertThat(unavailable).isPositive();
      assertThat(broken).isPositive();
      FaultCounts counts = proxy.counts();
      assertThat(counts.forwarded()).isEqualTo(ok);
      assertThat(counts.errors503()).isEqualTo(unavailable);
      assertThat(counts.resets()).isEqualTo(broken);
      assertThat(counts.units()).isEqualTo(80);
      assertThat(counts.stalls()).isPositive();
      assertThat(counts.connections()).isEqualTo(broken + 1);
    }
  }

  @Test
  void closeReleasesThePortTheThreadsAndEveryConnection() throws Exception {
    long descriptorsBefore = Leaks.openFileDescriptors();
    HttpFaultProxy proxy = proxy(FaultPlan.none());
    int port = proxy.port();
    String threadPrefix = "http-fault-proxy-" + port + "-";
    for (int i = 0; i < 200; i++) {
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
        if (i % 2 == 0) {
          client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK");
        } else {
          // A client that leaves in the middle of a request.
          client.getOutputStream().write("POST /_count HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
        }
      }
    }
    Eventually.await("200 short connections end", Duration.ofSeconds(5), () -> proxy.liveConnections() == 0);
    assertThat(Leaks.threadsNamed(threadPrefix)).isLessThan(20);

    Socket held = new Socket(InetAddress.getLoopbackAddress(), port);
    held.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(held.getInputStream().read()).isEqualTo('H');
    proxy.close();

    assertThatThrownBy(() -> held.getInputStream().readAllBytes()).isInstanceOf(IOException.class);
    held.close();
    assertThat(proxy.liveConnections()).isZero();
    Eventually.await("the proxy's threads end", Duration.ofSeconds(5), () -> Leaks.threadsNamed(threadPrefix) == 0);
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(ConnectException.class);
    assertThat(proxy.counts().connections()).isEqualTo(201);
    if (descriptorsBefore >= 0) {
      assertThat(Leaks.openFileDescriptors()).isLessThan(descriptorsBefore + 30);
    }
  }

  private HttpFaultProxy proxy(FaultPlan plan) {
    return HttpFaultProxy.start(openSearch.getHost(), openSearch.getPort(), plan);
  }

  private static OpenSearchClient client(HttpFaultProxy proxy) {
    OpenSearchSettings settings =
        OpenSearchSettings.fromEnvironment(
                Map.of(
                    "SUITE_OPENSEARCH_ENDPOINT", "http://127.0.0.1:" + proxy.port(),
                    "SUITE_OPENSEARCH_INDEX", "products",
                    "SUITE_OPENSEARCH_TIMEOUT_MS", "5000"))
            .orElseThrow();
    return OpenSearchClients.create(settings, "us-east-1");
  }

  private HttpResponse<String> send(URI base, String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json));
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private static String index() {
    return "chaos-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
