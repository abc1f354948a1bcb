package dev.tokenwise.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {
    @Test
    void closing_the_gateway_lets_in_flight_requests_finish_and_refuses_new_ones() throws Exception {
        GatewayConfig cfg = TestGateway.withTempDataDir(new GatewayConfig(null,
                Map.of("slow", ModelConfig.mock("large", new ModelConfig.MockConfig(1500, 0, 10)))));
        Gateway gw = Gateway.builder(cfg).port(0).start();
        HttpClient http = HttpClient.newHttpClient();
        String base = gw.baseUrl();
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TestGateway.chat("slow", "take your time", false))).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(400); // the request is now waiting for its first token
        long start = System.nanoTime();
        gw.close();
        long closeMs = (System.nanoTime() - start) / 1_000_000;
        HttpResponse<String> r = inFlight.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("chat.completion");
        assertThat(closeMs).as("close waited for the in-flight request").isGreaterThanOrEqualTo(500);
        CompletableFuture<HttpResponse<String>> late = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                .sendAsync(HttpRequest.newBuilder(URI.create(base + "/models")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(late).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfAny(ConnectException.class, java.io.IOException.class);
    }
}
