package dev.tokenwise.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.observe.PrometheusText;
import dev.tokenwise.gateway.testing.TestGateway;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON API and the admin protection of the dashboard, on a gateway with an admin key and real traffic. */
class DashboardApiTest {
    static final String ADMIN_KEY = "adm-7c1e52d0b9a84f36";
    static TestGateway gw;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static BigDecimal expectedCost = BigDecimal.ZERO;

    @BeforeAll
    static void start() {
        GatewayConfig c = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
        gw = TestGateway.start(Gateway.builder(c).port(0).env(Map.of("TOKENWISE_ADMIN_KEY", ADMIN_KEY)::get));
        PriceCatalog prices = gw.gateway().prices();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "search query " + i, false),
                    Map.of("x-tokenwise-feature", "search"));
            expectedCost = expectedCost.add(prices.cost("gpt-4o", Usage.fromOpenAi(TestGateway.json(r).path("usage"))));
        }
        for (int i = 0; i < 2; i++) {
            ObjectNode b = (ObjectNode) Json.parse(TestGateway.chat("gpt-4o-mini", "chat turn " + i, true));
            b.putObject("stream_options").put("include_usage", true);
            HttpResponse<String> r = gw.post("/chat/completions", Json.write(b), Map.of("x-tokenwise-feature", "chat"));
            String[] blocks = r.body().split("\n\n");
            expectedCost = expectedCost.add(prices.cost("gpt-4o-mini",
                    Usage.fromOpenAi(Json.parse(blocks[blocks.length - 2].substring(6)).path("usage"))));
        }
        gw.post("/chat/completions", TestGateway.chat("no-such-model", "fails", false), Map.of("x-tokenwise-feature", "search"));
        gw.gateway().ledger().flush();
    }

    @AfterAll
    static void stop() { gw.close(); }

    static String root() { return gw.baseUrl().substring(0, gw.baseUrl().length() - 3); }

    static HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root() + path)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) b.headers(headers);
        return send(b.build());
    }

    static HttpResponse<String> admin(String path) {
        return get(path, "Authorization", "Bearer " + ADMIN_KEY);
    }

    static HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> login(String key) {
        return send(HttpRequest.newBuilder(URI.create(root() + "/ui/login")).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("key=" + key)).build());
    }

    @Test
    void the_api_and_metrics_answer_401_without_the_admin_key() {
        for (String path : new String[] {"/v1/tokenwise/summary", "/v1/tokenwise/timeseries", "/v1/tokenwise/breakdown?by=feature",
                "/v1/tokenwise/requests", "/v1/tokenwise/budgets", "/metrics"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(TestGateway.json(r).path("error").path("type").asText()).as(path).isEqualTo("authentication_error");
            assertThat(get(path, "Authorization", "Bearer not-the-key").statusCode()).as(path).isEqualTo(401);
            assertThat(admin(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void the_page_shows_a_login_form_and_a_right_key_sets_an_httponly_session_cookie() {
        HttpResponse<String> page = get("/ui");
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.body()).contains("<form").contains("name=\"key\"").doesNotContain("chart-spend");

        HttpResponse<String> wrong = login("guess");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("set-cookie")).isEmpty();
        assertThat(wrong.body()).contains("not the admin key");

        HttpResponse<String> ok = login(ADMIN_KEY);
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("location")).hasValue("/ui");
        String cookie = ok.headers().firstValue("set-cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain(ADMIN_KEY);
        String session = cookie.substring(0, cookie.indexOf(';'));

        HttpResponse<String> dash = get("/ui", "Cookie", session);
        assertThat(dash.statusCode()).isEqualTo(200);
        assertThat(dash.body()).contains("chart-spend").contains("/ui/assets/echarts.min.js");
        assertThat(get("/v1/tokenwise/summary", "Cookie", session).statusCode()).isEqualTo(200);
        assertThat(get("/v1/tokenwise/summary", "Cookie", "tokenwise_admin=forged").statusCode()).isEqualTo(401);
    }

    @Test
    void the_assets_are_served_from_the_jar_including_echarts_from_its_webjar() {
        HttpResponse<String> echarts = get("/ui/assets/echarts.min.js");
        assertThat(echarts.statusCode()).isEqualTo(200);
        assertThat(echarts.headers().firstValue("content-type").orElse("")).startsWith("text/javascript");
        assertThat(echarts.body().length()).isGreaterThan(500_000);
        assertThat(get("/ui/assets/app.js").body()).contains("/v1/tokenwise/");
        assertThat(get("/ui/assets/../../etc/passwd").statusCode()).isEqualTo(404);
        assertThat(get("/ui/assets/nope.js").statusCode()).isEqualTo(404);
    }

    @Test
    void summary_counts_the_traffic_and_prices_it_like_the_catalog() {
        JsonNode s = TestGateway.json(admin("/v1/tokenwise/summary"));
        assertThat(s.path("requests").asLong()).isEqualTo(7);
        assertThat(s.path("errors").asLong()).isEqualTo(1);
        assertThat(s.path("cost_usd").decimalValue()).isEqualByComparingTo(expectedCost);
        assertThat(s.path("baseline_usd").decimalValue()).isEqualByComparingTo(expectedCost);
        assertThat(s.path("saved_usd").decimalValue()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(s.path("access").asText()).isEqualTo("admin-key");
        assertThat(s.path("range").asText()).isEqualTo("24h");
    }

    @Test
    void the_ledger_and_the_prometheus_counters_agree_on_spend() {
        JsonNode s = TestGateway.json(admin("/v1/tokenwise/summary"));
        PrometheusText m = PrometheusText.parse(admin("/metrics").body());
        assertThat(m.sum("tokenwise_requests_total")).isEqualTo(s.path("requests").asDouble());
        assertThat(m.sum("tokenwise_cost_usd_total")).isCloseTo(s.path("cost_usd").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.sum("tokenwise_baseline_usd_total")).isCloseTo(s.path("baseline_usd").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void breakdowns_group_by_feature_and_by_served_model_with_its_tier() {
        JsonNode f = TestGateway.json(admin("/v1/tokenwise/breakdown?by=feature"));
        Map<String, Long> byFeature = new java.util.HashMap<>();
        f.path("groups").forEach(g -> byFeature.put(g.path("key").asText(), g.path("requests").asLong()));
        assertThat(byFeature).containsEntry("search", 5L).containsEntry("chat", 2L);
        assertThat(f.path("groups").path(0).path("key").asText()).as("highest spend first").isEqualTo("search");

        JsonNode m = TestGateway.json(admin("/v1/tokenwise/breakdown?by=model"));
        assertThat(m.path("groups")).anySatisfy(g -> {
            assertThat(g.path("key").asText()).isEqualTo("gpt-4o-mini");
            assertThat(g.path("tier").asText()).isEqualTo("small");
            assertThat(g.path("requests").asLong()).isEqualTo(2);
        });
        JsonNode cache = TestGateway.json(admin("/v1/tokenwise/breakdown?by=cache_status"));
        assertThat(cache.path("groups")).anySatisfy(g -> assertThat(g.path("key").asText()).isEqualTo("miss"));
    }

    @Test
    void the_time_series_adds_up_to_the_summary() {
        JsonNode s = TestGateway.json(admin("/v1/tokenwise/summary?range=1h"));
        JsonNode ts = TestGateway.json(admin("/v1/tokenwise/timeseries?range=1h"));
        assertThat(ts.path("bucket_seconds").asLong()).isEqualTo(60);
        long n = 0;
        BigDecimal cost = BigDecimal.ZERO;
        for (JsonNode p : ts.path("points")) {
            n += p.path("requests").asLong();
            cost = cost.add(p.path("cost_usd").decimalValue());
        }
        assertThat(n).isEqualTo(s.path("requests").asLong());
        assertThat(cost).isEqualByComparingTo(s.path("cost_usd").decimalValue());
        assertThat(TestGateway.json(admin("/v1/tokenwise/timeseries?range=1h&bucket=10s")).path("bucket_seconds").asLong()).isEqualTo(10);
    }

    @Test
    void recent_requests_are_newest_first_with_cost_and_what_was_applied() {
        JsonNode r = TestGateway.json(admin("/v1/tokenwise/requests?limit=3"));
        assertThat(r.path("requests")).hasSize(3);
        JsonNode newest = r.path("requests").path(0);
        assertThat(newest.path("requested_model").asText()).isEqualTo("no-such-model");
        assertThat(newest.path("status").asInt()).isEqualTo(404);
        assertThat(newest.path("error_code").asText()).isEqualTo("model_not_found");
        JsonNode streamed = r.path("requests").path(1);
        assertThat(streamed.path("feature").asText()).isEqualTo("chat");
        assertThat(streamed.path("cost_usd").decimalValue()).isPositive();
        assertThat(streamed.path("applied").isArray()).isTrue();
        assertThat(streamed.path("ttft_ms").asDouble()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void a_tenant_filter_and_a_past_range_select_nothing() {
        assertThat(TestGateway.json(admin("/v1/tokenwise/summary?tenant=nobody")).path("requests").asLong()).isZero();
        assertThat(TestGateway.json(admin("/v1/tokenwise/summary?tenant=default")).path("requests").asLong()).isEqualTo(7);
        assertThat(TestGateway.json(admin("/v1/tokenwise/summary?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z"))
                .path("requests").asLong()).isZero();
    }

    @Test
    void bad_parameters_are_400s_naming_the_parameter() {
        assertThat(TestGateway.json(admin("/v1/tokenwise/breakdown?by=colour")).path("error").path("param").asText()).isEqualTo("by");
        assertThat(admin("/v1/tokenwise/breakdown").statusCode()).isEqualTo(400);
        assertThat(TestGateway.json(admin("/v1/tokenwise/summary?range=fortnight")).path("error").path("param").asText()).isEqualTo("range");
        assertThat(TestGateway.json(admin("/v1/tokenwise/summary?from=yesterday")).path("error").path("param").asText()).isEqualTo("from");
        assertThat(TestGateway.json(admin("/v1/tokenwise/requests?limit=0")).path("error").path("param").asText()).isEqualTo("limit");
        assertThat(TestGateway.json(admin("/v1/tokenwise/timeseries?bucket=0")).path("error").path("param").asText()).isEqualTo("bucket");
    }

    @Test
    void budgets_say_not_configured_without_a_key_store() {
        JsonNode b = TestGateway.json(admin("/v1/tokenwise/budgets"));
        assertThat(b.path("configured").asBoolean()).isFalse();
        assertThat(b.path("budgets")).isEmpty();
    }

    @Test
    void without_an_admin_key_a_loopback_gateway_is_open_and_says_so() {
        try (TestGateway open = TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(GatewayConfig.embeddedDefault()))
                .port(0).env(Map.<String, String>of()::get))) {
            String base = open.baseUrl().substring(0, open.baseUrl().length() - 3);
            HttpResponse<String> s = send(HttpRequest.newBuilder(URI.create(base + "/v1/tokenwise/summary")).GET().build());
            assertThat(s.statusCode()).isEqualTo(200);
            assertThat(TestGateway.json(s).path("access").asText()).isEqualTo("open-loopback");
            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + "/ui")).GET().build());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("data-access=\"open\"").contains("open-banner");
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void without_an_admin_key_a_gateway_beyond_loopback_is_closed() {
        AdminAuth auth = new AdminAuth(null, "0.0.0.0");
        assertThat(auth.mode()).isEqualTo(AdminAuth.Mode.CLOSED);
        assertThat(auth.allowed("Bearer anything", "anything")).isFalse();
        assertThat(new AdminAuth(null, "10.1.2.3").mode()).isEqualTo(AdminAuth.Mode.CLOSED);
        assertThat(new AdminAuth(null, "127.0.0.1").mode()).isEqualTo(AdminAuth.Mode.OPEN_LOOPBACK);
        assertThat(new AdminAuth(null, "::1").mode()).isEqualTo(AdminAuth.Mode.OPEN_LOOPBACK);
        assertThat(new AdminAuth(null, "localhost").mode()).isEqualTo(AdminAuth.Mode.OPEN_LOOPBACK);
        assertThat(new AdminAuth("", "0.0.0.0").mode()).as("a blank key is no key").isEqualTo(AdminAuth.Mode.CLOSED);
        AdminAuth keyed = new AdminAuth("k-1", "0.0.0.0");
        assertThat(keyed.allowed("Bearer k-1", null)).isTrue();
        assertThat(keyed.allowed("bearer k-1", null)).isTrue();
        assertThat(keyed.allowed("Bearer k-2", null)).isFalse();
        assertThat(keyed.allowed(null, keyed.sessionToken())).isTrue();
        assertThat(keyed.sessionToken()).doesNotContain("k-1");
    }
}
