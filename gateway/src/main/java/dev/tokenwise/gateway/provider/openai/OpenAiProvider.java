package dev.tokenwise.gateway.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Chunks;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.StreamAssembler;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.provider.Provider;
import dev.tokenwise.gateway.provider.http.SseEvents;
import dev.tokenwise.gateway.provider.http.UpstreamHttp;
import java.io.IOException;
import java.util.function.Function;
import java.util.List;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Any OpenAI-compatible chat completions server (OpenAI, vLLM, llama.cpp, Ollama, Groq, Mistral,
 * Together, another tokenwise...): the vendor is configuration ({@code base_url},
 * {@code api_key_env}, {@code upstream_model}), not code. The client's JSON is forwarded as it
 * came, unknown fields included; only {@code model} is rewritten, and streams always ask for the
 * usage chunk so every call can be priced (the server hides it from clients that did not ask).
 */
public final class OpenAiProvider implements Provider {
    private static final java.util.Map<String, HttpUrl> CHAT_URLS = new java.util.concurrent.ConcurrentHashMap<>();
    static final String NAME = "openai";
    private static final MediaType JSON = MediaType.get("application/json");

    private final UpstreamHttp http;
    private final Function<String, String> env;

    public OpenAiProvider(UpstreamHttp http, Function<String, String> env) {
        this.http = http;
        this.env = env;
    }

    @Override
    public String name() { return NAME; }

    /** Releases pooled upstream connections (the pool is shared: closing twice is harmless). */
    @Override
    public void close() { http.close(); }

    @Override
    public ChatResponse complete(ChatRequest request, ModelConfig model) {
        ObjectNode body = upstreamBody(request, model);
        try (Response response = http.execute(NAME, httpRequest(body, model, false), model.timeouts())) {
            JsonNode json = UpstreamHttp.readJson(NAME, response, model.timeouts());
            if (!json.isObject() || !json.path("choices").isArray()) {
                throw GatewayException.upstream(NAME, "Upstream provider " + NAME
                        + " answered with JSON that is not a chat completion.", null);
            }
            return withUsage(ChatResponse.owning((ObjectNode) json), request, model);
        }
    }

    @Override
    public ChatResponse stream(ChatRequest request, ModelConfig model, ChunkSink sink) {
        ObjectNode body = upstreamBody(request, model);
        body.put("stream", true);
        JsonNode so = body.get("stream_options");
        ObjectNode options = so instanceof ObjectNode o ? o : body.putObject("stream_options");
        options.put("include_usage", true);
        Call call = http.newCall(httpRequest(body, model, true), model.timeouts());
        StreamAssembler asm = new StreamAssembler();
        Response first;
        try {
            first = http.execute(NAME, call, model.timeouts());
        } catch (GatewayException e) {
            if (!rejectedStreamOptions(e, request)) throw e;
            // an older server that does not know stream_options: ask again as the client did,
            // and count the usage ourselves
            body.remove("stream_options");
            call = http.newCall(httpRequest(body, model, true), model.timeouts());
            first = http.execute(NAME, call, model.timeouts());
        }
        try (Response response = first) {
            ResponseBody rb = response.body();
            MediaType type = rb == null ? null : rb.contentType();
            if (type != null && "json".equals(type.subtype())) {
                // a server that ignored stream:true answered in one piece: replay it as chunks
                JsonNode json = UpstreamHttp.readJson(NAME, response, model.timeouts());
                if (!json.isObject() || !json.path("choices").isArray()) {
                    throw GatewayException.upstream(NAME, "Upstream provider " + NAME
                            + " answered a stream request with JSON that is not a chat completion.", null);
                }
                ChatResponse full = withUsage(ChatResponse.owning((ObjectNode) json), request, model);
                for (ObjectNode c : Chunks.fromResponse(full)) {
                    asm.accept(c);
                    sink.send(c);
                }
                return full;
            }
            SseEvents events = new SseEvents(rb.source());
            boolean done = false;
            SseEvents.Event e;
            while (!sink.cancelled() && (e = events.next()) != null) {
                String data = e.data().strip();
                if (data.isEmpty()) continue;
                if (data.equals("[DONE]")) {
                    done = true;
                    break;
                }
                JsonNode chunk = parseChunk(data);
                if (chunk.has("error") || "error".equals(chunk.path("object").asText())) {
                    // OpenAI sends {"error":{...}}; vLLM also {"object":"error","message":..,"code":400}
                    JsonNode err = chunk.has("error") ? chunk.get("error") : chunk;
                    int status = err.path("code").isInt() ? err.path("code").asInt() : 500;
                    throw UpstreamHttp.fromStatus(NAME, status >= 400 && status <= 599 ? status : 500, data, -1);
                }
                asm.accept(chunk);
                sink.send((ObjectNode) chunk);
            }
            if (sink.cancelled()) {
                call.cancel();
                return asm.toResponse();
            }
            if (!done && !asm.finished()) {
                throw GatewayException.upstream(NAME, "Upstream provider " + NAME
                        + " ended the stream before the answer was complete (no finish_reason, no [DONE]).", null);
            }
        } catch (IOException io) {
            if (sink.cancelled()) return asm.toResponse();
            throw UpstreamHttp.transportFailure(NAME, io, model.timeouts(), true);
        } catch (RuntimeException failure) {
            call.cancel();
            throw failure;
        }
        return withUsage(asm.toResponse(), request, model);
    }

    private static boolean rejectedStreamOptions(GatewayException e, ChatRequest request) {
        return e.status() == 400 && !request.body().has("stream_options")
                && (e.getMessage().contains("stream_options") || "stream_options".equals(e.param()));
    }

    private static JsonNode parseChunk(String data) {
        try {
            JsonNode n = Json.parse(data);
            if (!n.isObject()) throw new IllegalArgumentException("not an object");
            return n;
        } catch (RuntimeException e) {
            throw GatewayException.upstream(NAME, "Upstream provider " + NAME + " sent a malformed stream chunk: "
                    + (data.length() > 200 ? data.substring(0, 200) + "…" : data), e);
        }
    }

    /** The client's body with only the model rewritten. */
    static ObjectNode upstreamBody(ChatRequest request, ModelConfig model) {
        ObjectNode body = request.body().deepCopy();
        body.put("model", model.upstreamModelFor(request.model()));
        return body;
    }

    private Request httpRequest(ObjectNode body, ModelConfig model, boolean stream) {
        Request.Builder b = new Request.Builder()
                .url(chatUrl(model.baseUrl()))
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .post(RequestBody.create(Json.bytes(body), JSON));
        if (model.apiKeyEnv() != null) {
            String key = env.apply(model.apiKeyEnv());
            if (key != null && !key.isBlank()) b.header("Authorization", "Bearer " + key);
        }
        model.resolvedHeaders(env).forEach(b::header);
        return b.build();
    }

    /** {@code <base_url>/chat/completions}, keeping a query string (Azure's api-version) at the end. */
    static HttpUrl chatUrl(String baseUrl) {
        // base URLs come from the configuration, so this holds one entry per configured base URL
        return CHAT_URLS.computeIfAbsent(baseUrl, OpenAiProvider::buildChatUrl);
    }

    private static HttpUrl buildChatUrl(String baseUrl) {
        HttpUrl base = HttpUrl.get(baseUrl);
        List<String> segments = base.pathSegments();
        int n = segments.size();
        if (n >= 2 && segments.get(n - 2).equals("chat") && segments.get(n - 1).equals("completions")) return base;
        HttpUrl.Builder b = base.newBuilder();
        if (n > 0 && segments.get(n - 1).isEmpty()) b.removePathSegment(n - 1);
        return b.addPathSegment("chat").addPathSegment("completions").build();
    }

    /** Upstream usage when reported; otherwise counted, so the call can still be priced. */
    private static ChatResponse withUsage(ChatResponse r, ChatRequest request, ModelConfig model) {
        if (r.usage() != null) return r;
        TokenCounter counter = TokenCounter.forModel(model.upstreamModelFor(request.model()));
        long completion = 0;
        for (JsonNode c : r.body().path("choices")) {
            completion += counter.count(c.path("message").path("content").asText(""));
        }
        return r.withUsage(Usage.counted(counter.countMessages(request.messages()), completion));
    }
}
