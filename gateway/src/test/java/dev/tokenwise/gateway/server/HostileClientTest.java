package dev.tokenwise.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostileClientTest {
    private static TestGateway start(int idleMs) {
        GatewayConfig c = GatewayConfig.embeddedDefault();
        return TestGateway.start(c.withServer(c.server().withIdleTimeoutMs(idleMs)));
    }

    @Test
    void a_slow_loris_client_that_never_finishes_its_headers_is_cut_off() throws Exception {
        try (TestGateway gw = start(500); Socket s = new Socket("127.0.0.1", URI.create(gw.baseUrl()).getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // drain whatever the server sends before closing
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("closed after the idle timeout, not held open").isLessThan(5_000);
            assertThat(gw.getRoot("/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void an_oversized_header_is_rejected_without_harming_the_server() {
        try (TestGateway gw = start(30_000)) {
            var r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false), Map.of("x-big", "a".repeat(64 * 1024)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(431);
            assertThat(gw.getRoot("/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_model_name_cannot_make_the_gateway_call_an_arbitrary_url() {
        try (TestGateway gw = start(30_000)) {
            for (String model : new String[] {"http://169.254.169.254/latest/meta-data", "../../etc/passwd", "openai/http://evil.example"}) {
                var r = gw.post("/chat/completions", TestGateway.chat(model, "hi", false),
                        Map.of("x-tokenwise-upstream", "http://127.0.0.1:1/", "x-forwarded-host", "evil.example"));
                assertThat(r.statusCode()).isEqualTo(404);
                assertThat(TestGateway.json(r).path("error").path("code").asText()).isEqualTo("model_not_found");
            }
        }
    }

    @Test
    void a_lone_surrogate_in_a_message_is_answered_not_a_server_error() {
        try (TestGateway gw = start(30_000)) {
            String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"half an emoji \\ud83d\"}]}";
            var r = gw.post("/chat/completions", body, Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }
}
