package dev.tokenwise.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
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
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Anthropic's Messages API behind the OpenAI shape: requests and answers are translated both ways
 * (system prompt, content parts, tools, stop reasons, cache_control), stream events become OpenAI
 * chunks as they arrive, and usage keeps prompt-cache reads and writes apart.
 */
public final class AnthropicProvider implements Provider {
    static final String NAME = "anthropic";
    /** The Messages API version this adapter speaks. */
    static final String API_VERSION = "2023-06-01";
    private static final MediaType JSON = MediaType.get("application/json");

    private final UpstreamHttp http;
    private final Function<String, String> env;
    private final InstantSource clock;

    public AnthropicProvider(UpstreamHttp http, Function<String, String> env, InstantSource clock) {
        this.http = http;
        this.env = env;
        this.clock = clock;
    }

    @Override
    public String name() { return NAME; }

    /** Releases pooled upstream connections (the pool is shared: closing twice is harmless). */
    @Override
    public void close() { http.close(); }

    @Override
    public ChatResponse complete(ChatRequest request, ModelConfig model) {
        ObjectNode body = AnthropicWire.toAnthropic(request, model.upstreamModelFor(request.model()));
        body.remove("stream");
        try (Response response = http.execute(NAME, httpRequest(body, model), model.timeouts())) {
            JsonNode msg = UpstreamHttp.readJson(NAME, response, model.timeouts());
            if (!"message".equals(msg.path("type").asText())) {
                throw GatewayException.upstream(NAME, "Upstream provider anthropic answered with JSON that is not a message.", null);
            }
            return AnthropicWire.toOpenAi(msg, clock.instant().getEpochSecond());
        }
    }

    @Override
    public ChatResponse stream(ChatRequest request, ModelConfig model, ChunkSink sink) {
        ObjectNode body = AnthropicWire.toAnthropic(request, model.upstreamModelFor(request.model()));
        body.put("stream", true);
        Call call = http.newCall(httpRequest(body, model), model.timeouts());
        Translator t = new Translator(clock.instant().getEpochSecond(), sink);
        try (Response response = http.execute(NAME, call, model.timeouts())) {
            SseEvents events = new SseEvents(response.body().source());
            SseEvents.Event e;
            while (!t.stopped && !sink.cancelled() && (e = events.next()) != null) {
                if (e.data().isBlank()) continue;
                JsonNode data;
                try {
                    data = Json.parse(e.data());
                } catch (RuntimeException bad) {
                    throw GatewayException.upstream(NAME, "Upstream provider anthropic sent a malformed stream event: "
                            + (e.data().length() > 200 ? e.data().substring(0, 200) + "…" : e.data()), bad);
                }
                t.accept(data);
            }
            if (sink.cancelled()) {
                call.cancel();
                return t.asm.toResponse();
            }
            if (!t.stopped) {
                throw GatewayException.upstream(NAME, "Upstream provider anthropic ended the stream before message_stop.", null);
            }
        } catch (IOException io) {
            if (sink.cancelled()) return t.asm.toResponse();
            throw UpstreamHttp.transportFailure(NAME, io, model.timeouts(), true);
        } catch (RuntimeException failure) {
            call.cancel();
            throw failure;
        }
        return t.asm.toResponse();
    }

    private Request httpRequest(ObjectNode body, ModelConfig model) {
        String base = model.baseUrl().endsWith("/") ? model.baseUrl().substring(0, model.baseUrl().length() - 1) : model.baseUrl();
        Request.Builder b = new Request.Builder()
                .url(base.endsWith("/messages") ? base : base + "/messages")
                .header("anthropic-version", API_VERSION)
                .post(RequestBody.create(Json.bytes(body), JSON));
        if (model.apiKeyEnv() != null) {
            String key = env.apply(model.apiKeyEnv());
            if (key != null && !key.isBlank()) b.header("x-api-key", key);
        }
        model.resolvedHeaders(env).forEach(b::header);
        return b.build();
    }

    /** Turns Messages API stream events into OpenAI chunks, one event at a time. */
    static final class Translator {
        final StreamAssembler asm = new StreamAssembler();
        private final long created;
        private final ChunkSink sink;
        private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
        private String id = "";
        private String model = "";
        private JsonNode startUsage = Json.object();
        private final ObjectNode lastUsage = Json.object();
        private String stopReason;
        boolean stopped;

        Translator(long created, ChunkSink sink) {
            this.created = created;
            this.sink = sink;
        }

        void accept(JsonNode ev) {
            switch (ev.path("type").asText()) {
                case "message_start" -> {
                    JsonNode m = ev.path("message");
                    id = m.path("id").asText();
                    model = m.path("model").asText();
                    startUsage = m.path("usage");
                    emit(Chunks.role(id, model, created));
                }
                case "content_block_start" -> {
                    JsonNode block = ev.path("content_block");
                    int index = ev.path("index").asInt();
                    if ("tool_use".equals(block.path("type").asText())) {
                        int k = toolIndexByBlock.size();
                        toolIndexByBlock.put(index, k);
                        ObjectNode tc = Json.object();
                        tc.put("index", k);
                        tc.put("id", block.path("id").asText());
                        tc.put("type", "function");
                        tc.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                        emit(toolChunk(tc));
                    } else if ("text".equals(block.path("type").asText()) && !block.path("text").asText("").isEmpty()) {
                        emit(Chunks.content(id, model, created, block.path("text").asText()));
                    }
                }
                case "content_block_delta" -> {
                    JsonNode d = ev.path("delta");
                    switch (d.path("type").asText()) {
                        case "text_delta" -> emit(Chunks.content(id, model, created, d.path("text").asText()));
                        case "input_json_delta" -> {
                            Integer k = toolIndexByBlock.get(ev.path("index").asInt());
                            if (k != null) {
                                ObjectNode tc = Json.object();
                                tc.put("index", k);
                                tc.putObject("function").put("arguments", d.path("partial_json").asText());
                                emit(toolChunk(tc));
                            }
                        }
                        default -> { } // thinking and signature deltas have no OpenAI equivalent
                    }
                }
                case "message_delta" -> {
                    if (ev.path("delta").hasNonNull("stop_reason")) stopReason = ev.path("delta").path("stop_reason").asText();
                    ev.path("usage").fields().forEachRemaining(f -> lastUsage.set(f.getKey(), f.getValue()));
                }
                case "message_stop" -> {
                    emit(Chunks.finish(id, model, created, finish()));
                    emit(Chunks.usage(id, model, created, usage()));
                    stopped = true;
                }
                case "error" -> {
                    JsonNode err = ev.path("error");
                    throw UpstreamHttp.fromStatus(NAME, AnthropicWire.statusOf(Json.text(err, "type")), Json.write(ev), -1);
                }
                default -> { } // ping, content_block_stop and future event types
            }
        }

        private String finish() {
            String f = AnthropicWire.finishReason(stopReason);
            return f == null ? "stop" : f;
        }

        /** message_start carries the input side; message_delta the (cumulative) output and any updates. */
        Usage usage() {
            ObjectNode u = startUsage.isObject() ? ((ObjectNode) startUsage).deepCopy() : Json.object();
            lastUsage.fields().forEachRemaining(f -> { if (!f.getValue().isNull()) u.set(f.getKey(), f.getValue()); });
            return AnthropicWire.usage(u);
        }

        private ObjectNode toolChunk(ObjectNode toolCall) {
            ObjectNode c = Chunks.base(id, model, created);
            ObjectNode ch = c.putArray("choices").addObject();
            ch.put("index", 0);
            ch.putObject("delta").putArray("tool_calls").add(toolCall);
            ch.putNull("logprobs");
            ch.putNull("finish_reason");
            return c;
        }

        private void emit(ObjectNode chunk) {
            asm.accept(chunk);
            sink.send(chunk);
        }
    }
}
