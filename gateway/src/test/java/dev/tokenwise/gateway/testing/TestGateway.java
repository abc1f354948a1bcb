package dev.tokenwise.gateway.testing;

import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Starts a real gateway on a free loopback port and hands the test a small HTTP client for it.
 * Close it (try-with-resources) to stop the server.
 */
public final class TestGateway implements AutoCloseable {
    private final Gateway gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** The embedded default (mock models) with a throwaway data directory. */
    public static TestGateway embedded() {
        return start(GatewayConfig.embeddedDefault());
    }

    public static TestGateway start(GatewayConfig config) {
        return start(Gateway.builder(withTempDataDir(config)).port(0));
    }

    public static TestGateway start(Gateway.Builder builder) {
        return new TestGateway(builder.start());
    }

    public static GatewayConfig withTempDataDir(GatewayConfig config) {
        try {
            Path dir = Files.createTempDirectory("tokenwise-test");
            return config.withServer(config.server().withDataDir(dir.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Gateway gateway() { return gateway; }

    /** e.g. http://127.0.0.1:PORT/v1 */
    public String baseUrl() { return gateway.baseUrl(); }

    public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    public HttpResponse<String> postBytes(String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, body, Map.of());
    }

    public HttpResponse<String> get(String path) {
        return get(path, Map.of());
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    /** GET relative to the server root (not /v1), e.g. "/healthz". */
    public HttpResponse<String> getRoot(String path) {
        String root = baseUrl().substring(0, baseUrl().length() - "/v1".length());
        return send(HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> r) {
        return Json.parse(r.body());
    }

    /**
     * A replica's config: {@code base} with the key store (and so the budgets and batch jobs) at
     * {@code keysUrl}, shared with the other replicas, and a data directory of its own.
     */
    public static GatewayConfig replica(GatewayConfig base, String keysUrl) {
        return withTempDataDir(base.withKeys(base.keys().withUrl(keysUrl)));
    }

    /** The response's {@code x-tokenwise-cache} status ("none" when absent). */
    public static String cacheStatus(HttpResponse<String> r) {
        return r.headers().firstValue("x-tokenwise-cache").orElse("none");
    }

    /** The first choice's message text of a non-streamed chat completion. */
    public static String content(HttpResponse<String> r) {
        return json(r).at("/choices/0/message/content").asText();
    }

    /** A one-message chat request body. */
    public static String chat(String model, String content, boolean stream) {
        var b = Json.object();
        b.put("model", model);
        b.putArray("messages").addObject().put("role", "user").put("content", content);
        if (stream) b.put("stream", true);
        return Json.write(b);
    }

    @Override
    public void close() {
        gateway.close();
    }
}
