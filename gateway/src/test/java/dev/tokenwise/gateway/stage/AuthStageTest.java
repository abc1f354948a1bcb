package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.ConfigException;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.keys.Keys;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthStageTest {
    private static final String BODY = TestGateway.chat("gpt-4o-mini", "What are your business hours?", false);

    @Test
    void a_loopback_gateway_without_keys_serves_anonymous_requests() {
        try (TestGateway gw = TestGateway.embedded()) {
            assertThat(gw.post("/chat/completions", BODY).statusCode()).isEqualTo(200);
            // a client that sends its usual OpenAI key to a keyless local gateway still works
            assertThat(gw.post("/chat/completions", BODY, Map.of("Authorization", "Bearer sk-abc")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void once_a_key_exists_requests_need_a_valid_key_in_any_of_the_sdk_headers() {
        try (TestGateway gw = TestGateway.embedded()) {
            KeyStore.Created k = gw.gateway().keys().store().create("app", "acme", null, null);
            HttpResponse<String> missing = gw.post("/chat/completions", BODY);
            assertThat(missing.statusCode()).isEqualTo(401);
            JsonNode err = TestGateway.json(missing).get("error");
            assertThat(err.get("type").asText()).isEqualTo("authentication_error");
            assertThat(err.get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(err.has("param")).isTrue();

            assertThat(gw.post("/chat/completions", BODY, Map.of("Authorization", "Bearer " + k.secret())).statusCode()).isEqualTo(200);
            assertThat(gw.post("/chat/completions", BODY, Map.of("api-key", k.secret())).statusCode()).isEqualTo(200);
            assertThat(gw.post("/chat/completions", BODY, Map.of("x-api-key", k.secret())).statusCode()).isEqualTo(200);

            HttpResponse<String> wrong = gw.post("/chat/completions", BODY, Map.of("Authorization", "Bearer " + k.secret() + "x"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain(k.secret());
        }
    }

    @Test
    void a_revoked_key_is_refused_with_401() {
        try (TestGateway gw = TestGateway.embedded()) {
            KeyStore.Created k = gw.gateway().keys().store().create("app", null, null, null);
            Map<String, String> auth = Map.of("Authorization", "Bearer " + k.secret());
            assertThat(gw.post("/chat/completions", BODY, auth).statusCode()).isEqualTo(200);
            gw.gateway().keys().store().revoke(k.key().id());
            HttpResponse<String> r = gw.post("/chat/completions", BODY, auth);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(TestGateway.json(r).at("/error/message").asText()).contains("revoked");
        }
    }

    @Test
    void binding_a_non_loopback_address_without_keys_is_refused_at_startup() {
        GatewayConfig c = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
        GatewayConfig open = c.withServer(c.server().withHost("0.0.0.0"));
        assertThatThrownBy(() -> Gateway.builder(open).port(0).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.host")
                .hasMessageContaining("0.0.0.0")
                .hasMessageContaining("no API keys exist");

        try (Keys keys = Keys.open(open, InstantSource.system())) {
            keys.store().create("ops", null, null, null);
        }
        try (Gateway gw = Gateway.builder(open).port(0).start()) {
            assertThat(gw.port()).isPositive();
        }
    }

    @Test
    void the_admin_api_creates_lists_and_revokes_keys_with_the_admin_key_only() {
        GatewayConfig c = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
        try (TestGateway gw = TestGateway.start(Gateway.builder(c).port(0)
                .env(Map.of("TOKENWISE_ADMIN_KEY", "admin-secret-123")::get))) {
            String body = "{\"name\":\"svc\",\"tenant\":\"t1\",\"budget_usd\":2.5,\"period\":\"day\"}";
            assertThat(gw.post("/tokenwise/keys", body, Map.of("Authorization", "Bearer nope")).statusCode()).isEqualTo(401);
            assertThat(gw.post("/tokenwise/keys", body).statusCode()).isEqualTo(401);
            HttpResponse<String> created = gw.post("/tokenwise/keys", body, Map.of("Authorization", "Bearer admin-secret-123"));
            assertThat(created.statusCode()).isEqualTo(201);
            JsonNode k = TestGateway.json(created);
            assertThat(k.get("secret").asText()).startsWith("tw-");
            assertThat(k.get("budget_usd").decimalValue()).isEqualByComparingTo("2.5");

            assertThat(gw.post("/chat/completions", BODY, Map.of("Authorization", "Bearer " + k.get("secret").asText()))
                    .statusCode()).isEqualTo(200);
            assertThat(gw.post("/chat/completions", BODY, Map.of("Authorization", "Bearer admin-secret-123"))
                    .statusCode()).as("the admin key is not a client key").isEqualTo(401);

            var http = java.net.http.HttpClient.newHttpClient();
            var list = send(http, java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/tokenwise/keys"))
                    .header("Authorization", "Bearer admin-secret-123").GET().build());
            assertThat(TestGateway.json(list).get("data")).hasSize(1);
            assertThat(list.body()).doesNotContain(k.get("secret").asText());
            var del = send(http, java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/tokenwise/keys/" + k.get("id").asText()))
                    .header("Authorization", "Bearer admin-secret-123").DELETE().build());
            assertThat(del.statusCode()).isEqualTo(200);
            assertThat(gw.post("/chat/completions", BODY, Map.of("Authorization", "Bearer " + k.get("secret").asText()))
                    .statusCode()).isEqualTo(401);
        }
    }

    @Test
    void without_an_admin_key_the_admin_api_is_disabled() {
        try (TestGateway gw = TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(GatewayConfig.embeddedDefault()))
                .port(0).env(Map.<String, String>of()::get))) {
            HttpResponse<String> r = gw.post("/tokenwise/keys", "{\"name\":\"x\"}", Map.of("Authorization", "Bearer anything"));
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("TOKENWISE_ADMIN_KEY");
        }
    }

    private static HttpResponse<String> send(java.net.http.HttpClient http, java.net.http.HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
