package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.server.Routes;
import dev.tokenwise.gateway.server.HttpCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The batch job API: {@code POST /v1/tokenwise/batches} (submit), {@code GET
 * /v1/tokenwise/batches} (the tenant's jobs), {@code GET /v1/tokenwise/batches/{id}} (status) and
 * {@code GET /v1/tokenwise/batches/{id}/results}.
 */
final class BatchApi {
    static final int MAX_REQUESTS = 10_000;
    private final BatchService service;
    private final Function<Function<String, String>, Principal> authenticate;

    /** @param authenticate the caller's principal from the request headers, by the gateway's key rules (a 401 when refused) */
    BatchApi(BatchService service, Function<Function<String, String>, Principal> authenticate) {
        this.service = service;
        this.authenticate = authenticate;
    }

    void register(Routes app) {
        app.post("/v1/tokenwise/batches", this::submit);
        app.get("/v1/tokenwise/batches", this::list);
        app.get("/v1/tokenwise/batches/{id}", ctx -> json(ctx, 200, service.status(ctx.pathParam("id"), tenant(ctx))));
        app.get("/v1/tokenwise/batches/{id}/results", this::results);
    }

    /** Jobs belong to the caller's tenant: another tenant's job id is not found. */
    private String tenant(HttpCall ctx) {
        return authenticate.apply(ctx::header).tenant();
    }

    private void submit(HttpCall ctx) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(ctx.body());
        } catch (Exception e) {
            throw GatewayException.invalidJson("We could not parse the JSON body of your request: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw GatewayException.invalidJson("The request body must be a JSON object.");
        JsonNode requests = root.get("requests");
        if (requests == null || !requests.isArray() || requests.isEmpty()) {
            throw GatewayException.invalidRequest("'requests' must be a non-empty array of {\"custom_id\", \"body\"} objects.", "requests");
        }
        if (requests.size() > MAX_REQUESTS) {
            throw GatewayException.invalidRequest("'requests' may hold at most " + MAX_REQUESTS + " items, was " + requests.size() + ".", "requests");
        }
        Map<String, ChatRequest> items = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            JsonNode item = requests.get(i);
            String p = "requests[" + i + "]";
            if (!item.isObject() || !item.path("body").isObject()) {
                throw GatewayException.invalidRequest("'" + p + "' must be an object with a 'body' holding a chat completion request.", p + ".body");
            }
            String customId = item.path("custom_id").isTextual() ? item.path("custom_id").asText() : "request-" + (i + 1);
            if (items.containsKey(customId)) {
                throw GatewayException.invalidRequest("Duplicate custom_id '" + customId + "' at '" + p + "'.", p + ".custom_id");
            }
            ChatRequest r;
            try {
                r = ChatRequest.parse(Json.bytes(item.get("body")));
            } catch (GatewayException e) {
                throw GatewayException.invalidRequest("Invalid '" + p + ".body': " + e.getMessage(),
                        p + ".body" + (e.param() == null ? "" : "." + e.param()));
            }
            if (r.stream()) throw GatewayException.invalidRequest("Batched requests cannot stream; remove 'stream' from '" + p + ".body'.", p + ".body.stream");
            items.put(customId, r);
        }
        Principal owner = authenticate.apply(ctx::header);
        String id = service.submit(items, owner, ctx.header("x-tokenwise-feature"));
        json(ctx, 200, service.status(id, owner.tenant()));
    }

    /** The caller's tenant's jobs, newest first ({@code ?limit=}, default 20, at most 100). */
    private void list(HttpCall ctx) {
        String tenant = tenant(ctx);
        String l = ctx.queryParam("limit");
        int limit;
        try {
            limit = l == null ? 20 : Integer.parseInt(l.strip());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) throw GatewayException.invalidRequest("'limit' must be an integer in 1..100, was '" + l + "'.", "limit");
        ObjectNode root = Json.object();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        service.list(tenant, limit).forEach(data::add);
        json(ctx, 200, root);
    }

    private void results(HttpCall ctx) {
        String id = ctx.pathParam("id");
        ObjectNode root = Json.object();
        root.put("object", "list");
        root.put("batch_id", id);
        ArrayNode data = root.putArray("data");
        for (BatchService.Result r : service.results(id, tenant(ctx))) {
            ObjectNode n = data.addObject();
            n.put("custom_id", r.customId());
            if (r.reply() != null) {
                n.put("status", "succeeded");
                n.set("response", r.reply().response().toJson());
                n.put("discount", r.reply().calls().get(0).discount());
                n.putNull("error");
            } else {
                n.put("status", "failed");
                n.putNull("response");
                ObjectNode err = n.putObject("error");
                err.put("message", r.error().getMessage());
                err.put("type", r.error().type());
                err.put("code", r.error().code());
            }
        }
        json(ctx, 200, root);
    }

    private static void json(HttpCall ctx, int status, JsonNode body) {
        ctx.status(status).json(Json.bytes(body));
    }
}
