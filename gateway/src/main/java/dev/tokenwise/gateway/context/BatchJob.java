package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.keys.BudgetGuard;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.provider.ModelRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One batch job's state: its requests (as sent), the budget reservation each holds, the requests
 * refused for budget, one part per model with the provider's batch id, and the results once every
 * part finished. It converts to and from the JSON row the {@link BatchJournal} keeps.
 */
final class BatchJob {
    /** The requests of one model, sent as one provider batch. */
    static final class Part {
        final String model;
        /** null when the model is no longer configured (a job read back after a restart). */
        final ModelRegistry.Binding binding;
        final BatchBackend backend;
        final List<BatchBackend.Item> items;
        String remoteId;
        BatchBackend.Poll.State state = BatchBackend.Poll.State.IN_PROGRESS;
        String message;
        Map<String, BatchBackend.Outcome> outcomes;

        Part(String model, ModelRegistry.Binding binding, BatchBackend backend, List<BatchBackend.Item> items) {
            this.model = model;
            this.binding = binding;
            this.backend = backend;
            this.items = items;
        }

        String provider() {
            return binding == null ? "unknown" : binding.model().provider();
        }
    }

    /** Where a part's model is served now: its binding and batch backend (null binding when unconfigured). */
    record Route(ModelRegistry.Binding binding, BatchBackend backend) {}

    final String id;
    final Principal owner;
    final String feature;
    final boolean notify;
    final long createdAt;
    final List<BatchBackend.Item> items;
    final Map<String, BudgetGuard.Reservation> reservations;
    final Map<String, GatewayException> rejected;
    final List<Part> parts;
    List<BatchService.Result> results;

    BatchJob(String id, Principal owner, String feature, boolean notify, long createdAt, List<BatchBackend.Item> items,
             Map<String, BudgetGuard.Reservation> reservations, Map<String, GatewayException> rejected, List<Part> parts) {
        this.id = id;
        this.owner = owner;
        this.feature = feature;
        this.notify = notify;
        this.createdAt = createdAt;
        this.items = List.copyOf(items);
        this.reservations = Map.copyOf(reservations);
        this.rejected = Map.copyOf(rejected);
        this.parts = List.copyOf(parts);
    }

    boolean finished() {
        return results != null;
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.putObject("owner").put("key_id", owner.keyId()).put("key_name", owner.keyName()).put("tenant", owner.tenant());
        o.put("feature", feature);
        o.put("notify", notify);
        o.put("created_at", createdAt);
        ArrayNode its = o.putArray("items");
        for (BatchBackend.Item i : items) {
            ObjectNode n = its.addObject();
            n.put("custom_id", i.customId());
            n.set("request", i.request().toJson());
            BudgetGuard.Reservation r = reservations.get(i.customId());
            if (r != null) n.putObject("reservation").put("key_id", r.keyId()).put("period", r.period()).put("nanos", r.nanos());
            GatewayException e = rejected.get(i.customId());
            if (e != null) n.set("rejected", error(e));
        }
        ArrayNode ps = o.putArray("parts");
        for (Part p : parts) {
            ObjectNode n = ps.addObject();
            n.put("model", p.model);
            n.put("remote_id", p.remoteId);
            n.put("state", p.state.name());
            n.put("message", p.message);
            ArrayNode ids = n.putArray("custom_ids");
            p.items.forEach(i -> ids.add(i.customId()));
        }
        if (results != null) {
            ArrayNode rs = o.putArray("results");
            for (BatchService.Result r : results) {
                ObjectNode n = rs.addObject();
                n.put("custom_id", r.customId());
                if (r.reply() != null) {
                    n.set("response", r.reply().response().toJson());
                    n.put("model", r.reply().servedModel());
                    n.put("provider", r.reply().provider());
                    n.put("discount", r.reply().calls().getFirst().discount());
                } else {
                    n.set("error", error(r.error()));
                }
            }
        }
        return o;
    }

    /**
     * A job read back from its row. Parts are re-attached to the models' current backends; the
     * results, when the job had finished, are rebuilt as they were served.
     */
    static BatchJob fromJson(JsonNode o, Function<String, Route> route) {
        JsonNode ow = o.path("owner");
        Principal owner = new Principal(ow.path("key_id").asText(), ow.path("key_name").asText(), ow.path("tenant").asText());
        List<BatchBackend.Item> items = new ArrayList<>();
        Map<String, BatchBackend.Item> byId = new LinkedHashMap<>();
        Map<String, BudgetGuard.Reservation> reservations = new LinkedHashMap<>();
        Map<String, GatewayException> rejected = new LinkedHashMap<>();
        for (JsonNode n : o.path("items")) {
            String cid = n.path("custom_id").asText();
            BatchBackend.Item item = new BatchBackend.Item(cid, new ChatRequest((ObjectNode) n.path("request")));
            items.add(item);
            byId.put(cid, item);
            JsonNode r = n.path("reservation");
            if (r.isObject()) {
                reservations.put(cid, new BudgetGuard.Reservation(r.path("key_id").asText(), r.path("period").asText(), r.path("nanos").asLong()));
            }
            if (n.path("rejected").isObject()) rejected.put(cid, error(n.path("rejected")));
        }
        List<Part> parts = new ArrayList<>();
        for (JsonNode n : o.path("parts")) {
            String model = n.path("model").asText();
            List<BatchBackend.Item> its = new ArrayList<>();
            for (JsonNode cid : n.path("custom_ids")) its.add(byId.get(cid.asText()));
            Route r = route.apply(model);
            Part p = new Part(model, r.binding(), r.backend(), List.copyOf(its));
            p.remoteId = n.path("remote_id").isTextual() ? n.path("remote_id").asText() : null;
            p.state = BatchBackend.Poll.State.valueOf(n.path("state").asText());
            p.message = n.path("message").isTextual() ? n.path("message").asText() : null;
            parts.add(p);
        }
        BatchJob job = new BatchJob(o.path("id").asText(), owner, o.path("feature").asText(), o.path("notify").asBoolean(),
                o.path("created_at").asLong(), items, reservations, rejected, parts);
        if (o.path("results").isArray()) {
            List<BatchService.Result> results = new ArrayList<>();
            for (JsonNode n : o.path("results")) {
                String cid = n.path("custom_id").asText();
                if (n.path("error").isObject()) {
                    results.add(new BatchService.Result(cid, null, error(n.path("error"))));
                } else {
                    ChatResponse response = new ChatResponse((ObjectNode) n.path("response"));
                    results.add(new BatchService.Result(cid, BatchService.reply(job.id, n.path("model").asText(),
                            n.path("provider").asText(), n.path("discount").asDouble(), response), null));
                }
            }
            job.results = List.copyOf(results);
        }
        return job;
    }

    private static ObjectNode error(GatewayException e) {
        ObjectNode n = Json.object();
        n.put("status", e.status());
        n.put("message", e.getMessage());
        n.put("type", e.type());
        n.put("code", e.code());
        n.put("provider", e.provider());
        return n;
    }

    private static GatewayException error(JsonNode n) {
        return GatewayException.builder(n.path("status").asInt(500), n.path("message").asText())
                .type(n.path("type").asText(null)).code(n.path("code").asText(null))
                .provider(n.path("provider").isTextual() ? n.path("provider").asText() : null).build();
    }
}
