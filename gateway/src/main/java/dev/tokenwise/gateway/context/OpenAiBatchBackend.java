package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.provider.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * OpenAI's Batch API (and OpenAI-compatible vendors that offer it): the requests are uploaded as a
 * JSONL file ({@code POST /files}, purpose {@code batch}), a batch is created on it
 * ({@code POST /batches}, endpoint {@code /v1/chat/completions}, window {@code 24h}), polled
 * ({@code GET /batches/{id}}) and its output and error files read ({@code GET /files/{id}/content}).
 */
final class OpenAiBatchBackend implements BatchBackend {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final MediaType JSONL = MediaType.get("application/jsonl");
    private final BatchHttp http;

    OpenAiBatchBackend(BatchHttp http) {
        this.http = http;
    }

    private Request.Builder req(ModelRegistry.Binding b, String path) {
        Request.Builder r = new Request.Builder().url(BatchHttp.base(b.model()) + path);
        String key = http.key(b.model());
        if (key != null) r.header("Authorization", "Bearer " + key);
        return r;
    }

    @Override
    public String submit(String model, ModelRegistry.Binding b, List<Item> items) {
        String upstream = b.model().upstreamModel() != null ? b.model().upstreamModel() : model;
        StringBuilder jsonl = new StringBuilder();
        for (Item item : items) {
            ObjectNode line = Json.object();
            line.put("custom_id", item.customId());
            line.put("method", "POST");
            line.put("url", "/v1/chat/completions");
            ObjectNode body = item.request().withModel(upstream).toJson();
            body.remove("stream");
            body.remove("stream_options");
            line.set("body", body);
            jsonl.append(Json.write(line)).append('\n');
        }
        RequestBody file = RequestBody.create(jsonl.toString().getBytes(StandardCharsets.UTF_8), JSONL);
        MultipartBody upload = new MultipartBody.Builder().setType(MultipartBody.FORM)
                .addFormDataPart("purpose", "batch")
                .addFormDataPart("file", "tokenwise-batch.jsonl", file).build();
        String fileId = http.json(req(b, "/files").post(upload).build(), "openai").path("id").asText(null);
        if (fileId == null) throw GatewayException.upstream("openai", "file upload answered without an id", null);
        ObjectNode create = Json.object();
        create.put("input_file_id", fileId);
        create.put("endpoint", "/v1/chat/completions");
        create.put("completion_window", "24h");
        JsonNode batch = http.json(req(b, "/batches").post(RequestBody.create(Json.write(create), JSON)).build(), "openai");
        String id = batch.path("id").asText(null);
        if (id == null) throw GatewayException.upstream("openai", "batch creation answered without an id", null);
        return id;
    }

    @Override
    public Poll poll(ModelRegistry.Binding b, String remoteId) {
        JsonNode batch = http.json(req(b, "/batches/" + remoteId).get().build(), "openai");
        String status = batch.path("status").asText("");
        return switch (status) {
            case "completed" -> new Poll(Poll.State.COMPLETED, null);
            case "failed", "expired", "cancelled" -> new Poll(Poll.State.FAILED, "openai batch " + remoteId + " " + status
                    + (batch.at("/errors/data/0/message").isTextual() ? ": " + batch.at("/errors/data/0/message").asText() : ""));
            default -> new Poll(Poll.State.IN_PROGRESS, status);
        };
    }

    @Override
    public Map<String, Outcome> results(String model, ModelRegistry.Binding b, String remoteId) {
        JsonNode batch = http.json(req(b, "/batches/" + remoteId).get().build(), "openai");
        Map<String, Outcome> out = new LinkedHashMap<>();
        for (String field : List.of("output_file_id", "error_file_id")) {
            String fileId = batch.path(field).asText(null);
            if (fileId == null || fileId.isEmpty()) continue;
            String text = http.text(req(b, "/files/" + fileId + "/content").get().build(), "openai");
            for (JsonNode line : BatchHttp.jsonl(text)) {
                String customId = line.path("custom_id").asText();
                JsonNode resp = line.path("response");
                if (resp.path("status_code").asInt(0) == 200 && resp.path("body").isObject()) {
                    ChatResponse r = new ChatResponse((ObjectNode) resp.path("body")).withModel(model);
                    out.put(customId, new Outcome(r, null));
                } else {
                    String msg = line.at("/error/message").isTextual() ? line.at("/error/message").asText()
                            : resp.at("/body/error/message").asText("request failed with status " + resp.path("status_code").asInt());
                    out.put(customId, new Outcome(null, GatewayException.builder(502, msg).type("api_error")
                            .code("upstream_batch_error").provider("openai").build()));
                }
            }
        }
        return out;
    }

    @Override
    public double discount(ModelRegistry.Binding b) {
        return 0.5;
    }
}
