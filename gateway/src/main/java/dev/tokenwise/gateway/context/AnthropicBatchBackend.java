package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.anthropic.AnthropicWire;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Anthropic's Message Batches API: {@code POST /messages/batches} with one {@code {custom_id,
 * params}} per request (params in the Messages API shape), polled with
 * {@code GET /messages/batches/{id}} until {@code processing_status} is {@code ended}, results read
 * as JSONL from the batch's {@code results_url}. Text conversations only: tool calls are rejected
 * before anything is sent.
 */
final class AnthropicBatchBackend implements BatchBackend {
    static final String VERSION = "2023-06-01";
    private static final MediaType JSON = MediaType.get("application/json");
    private final BatchHttp http;
    private final InstantSource clock;

    AnthropicBatchBackend(BatchHttp http, InstantSource clock) {
        this.http = http;
        this.clock = clock;
    }

    private Request.Builder req(ModelRegistry.Binding b, String url) {
        Request.Builder r = new Request.Builder().url(url).header("anthropic-version", VERSION);
        String key = http.key(b.model());
        if (key != null) r.header("x-api-key", key);
        return r;
    }

    @Override
    public String submit(String model, ModelRegistry.Binding b, List<Item> items) {
        String upstream = b.model().upstreamModel() != null ? b.model().upstreamModel() : model;
        ObjectNode body = Json.object();
        ArrayNode requests = body.putArray("requests");
        for (Item item : items) {
            ObjectNode r = requests.addObject();
            r.put("custom_id", item.customId());
            r.set("params", params(item.request(), upstream));
        }
        JsonNode batch = http.json(req(b, BatchHttp.base(b.model()) + "/messages/batches")
                .post(RequestBody.create(Json.write(body), JSON)).build(), "anthropic");
        String id = batch.path("id").asText(null);
        if (id == null) throw GatewayException.upstream("anthropic", "batch creation answered without an id", null);
        return id;
    }

    /** The Messages API params for an OpenAI-shaped request. */
    static ObjectNode params(ChatRequest request, String upstreamModel) {
        if (request.hasTools()) {
            throw GatewayException.invalidRequest("Batched requests to Anthropic models cannot use tools yet.", "tools");
        }
        ObjectNode p = Json.object();
        p.put("model", upstreamModel);
        p.put("max_tokens", request.maxTokens().orElse(1024));
        request.temperature().ifPresent(t -> p.put("temperature", Math.min(1.0, t)));
        JsonNode topP = request.body().get("top_p");
        if (topP != null && topP.isNumber()) p.set("top_p", topP);
        JsonNode stop = request.body().get("stop");
        if (stop != null && stop.isTextual()) p.putArray("stop_sequences").add(stop.asText());
        else if (stop != null && stop.isArray()) p.set("stop_sequences", stop);
        ArrayNode system = Json.array();
        ArrayNode messages = p.putArray("messages");
        for (Message m : request.messages()) {
            switch (m.role()) {
                case "system", "developer" -> system.addAll(blocks(m));
                case "user", "assistant" -> {
                    ObjectNode out = messages.addObject();
                    out.put("role", m.role());
                    out.set("content", blocks(m));
                }
                default -> throw GatewayException.invalidRequest("Batched requests to Anthropic models cannot contain '"
                        + m.role() + "' messages yet.", "messages");
            }
        }
        if (!system.isEmpty()) p.set("system", system);
        return p;
    }

    /** Text blocks of a message, keeping cache_control breakpoints. */
    private static ArrayNode blocks(Message m) {
        ArrayNode out = Json.array();
        JsonNode c = m.content();
        if (c != null && c.isArray()) {
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText())) {
                    throw GatewayException.invalidRequest("Batched requests to Anthropic models support text content only.", "messages");
                }
                ObjectNode b = out.addObject().put("type", "text").put("text", part.path("text").asText());
                if (part.has("cache_control")) b.set("cache_control", part.get("cache_control"));
            }
        } else {
            out.addObject().put("type", "text").put("text", m.text());
        }
        return out;
    }

    @Override
    public Poll poll(ModelRegistry.Binding b, String remoteId) {
        JsonNode batch = http.json(req(b, BatchHttp.base(b.model()) + "/messages/batches/" + remoteId).get().build(), "anthropic");
        return "ended".equals(batch.path("processing_status").asText())
                ? new Poll(Poll.State.COMPLETED, null)
                : new Poll(Poll.State.IN_PROGRESS, batch.path("processing_status").asText(""));
    }

    @Override
    public Map<String, Outcome> results(String model, ModelRegistry.Binding b, String remoteId) {
        JsonNode batch = http.json(req(b, BatchHttp.base(b.model()) + "/messages/batches/" + remoteId).get().build(), "anthropic");
        String url = batch.path("results_url").asText(null);
        if (url == null) throw GatewayException.upstream("anthropic", "batch " + remoteId + " ended without a results_url", null);
        Map<String, Outcome> out = new LinkedHashMap<>();
        for (JsonNode line : BatchHttp.jsonl(http.text(req(b, url).get().build(), "anthropic"))) {
            String customId = line.path("custom_id").asText();
            JsonNode result = line.path("result");
            if ("succeeded".equals(result.path("type").asText())) {
                out.put(customId, new Outcome(response(result.path("message"), model), null));
            } else {
                String msg = result.at("/error/error/message").asText("request " + result.path("type").asText("failed"));
                out.put(customId, new Outcome(null, GatewayException.builder(502, msg).type("api_error")
                        .code("upstream_batch_error").provider("anthropic").build()));
            }
        }
        return out;
    }

    /** An Anthropic message as an OpenAI chat completion, under the model name the client used. */
    ChatResponse response(JsonNode msg, String model) {
        return AnthropicWire.toOpenAi(msg, clock.instant().getEpochSecond()).withModel(model);
    }

    @Override
    public double discount(ModelRegistry.Binding b) {
        return 0.5;
    }
}
