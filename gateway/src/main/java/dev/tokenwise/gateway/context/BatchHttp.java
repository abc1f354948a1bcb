package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.ModelConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The HTTP plumbing the remote batch backends share: keys from the environment, JSON, JSONL, errors. */
final class BatchHttp {
    private final OkHttpClient http;
    private final Function<String, String> env;

    BatchHttp(OkHttpClient http, Function<String, String> env) {
        this.http = http;
        this.env = env;
    }

    String key(ModelConfig m) {
        return m.apiKeyEnv() == null ? null : env.apply(m.apiKeyEnv());
    }

    static String base(ModelConfig m) {
        String b = m.baseUrl();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    String text(Request request, String provider) {
        try (Response r = http.newCall(request).execute()) {
            String body = r.body() == null ? "" : r.body().string();
            if (!r.isSuccessful()) {
                String msg = body;
                try {
                    JsonNode e = Json.parse(body).path("error");
                    if (e.path("message").isTextual()) msg = e.path("message").asText();
                } catch (RuntimeException ignored) {
                    // not JSON: keep the raw body as the message
                }
                throw GatewayException.builder(r.code() >= 500 ? 502 : r.code() == 429 ? 429 : 502,
                                provider + " batch API answered " + r.code() + " on " + request.url().encodedPath() + ": " + msg)
                        .type("api_error").code("upstream_batch_error").provider(provider).retryable(r.code() >= 500 || r.code() == 429)
                        .build();
            }
            return body;
        } catch (IOException e) {
            throw GatewayException.upstream(provider, provider + " batch API unreachable: " + e.getMessage(), e);
        }
    }

    JsonNode json(Request request, String provider) {
        String body = text(request, provider);
        try {
            return Json.parse(body);
        } catch (RuntimeException e) {
            throw GatewayException.upstream(provider, provider + " batch API sent invalid JSON", e);
        }
    }

    static List<JsonNode> jsonl(String text) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) if (!line.isBlank()) out.add(Json.parse(line));
        return out;
    }
}
