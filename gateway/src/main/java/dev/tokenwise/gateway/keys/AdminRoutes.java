package dev.tokenwise.gateway.keys;

import dev.tokenwise.core.Hashing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.server.Routes;
import dev.tokenwise.gateway.server.HttpCall;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.function.Consumer;

/**
 * The admin API for keys under {@code /v1/tokenwise/keys} (create, list, revoke), protected by the
 * admin key from the environment variable named by {@code server.admin_key_env}. Without that
 * variable the admin API answers 403: keys are then managed with {@code tokenwise keys} on the store.
 */
public final class AdminRoutes implements Consumer<Routes> {
    public static final String PATH = "/v1/tokenwise/keys";

    private final Keys keys;
    private final byte[] adminHash;
    private final String adminKeyEnv;
    private final InstantSource clock;

    /** @param adminKey the admin secret, or null when none is configured */
    public AdminRoutes(Keys keys, String adminKey, String adminKeyEnv, InstantSource clock) {
        this.keys = keys;
        this.adminHash = adminKey == null || adminKey.isBlank() ? null : Hashing.sha256(adminKey);
        this.adminKeyEnv = adminKeyEnv;
        this.clock = clock;
    }

    @Override
    public void accept(Routes app) {
        app.post(PATH, this::create);
        app.get(PATH, this::list);
        app.delete(PATH + "/{id}", this::revoke);
    }

    private void requireAdmin(HttpCall ctx) {
        if (adminHash == null) {
            throw GatewayException.forbidden("The admin API is disabled: set the environment variable " + adminKeyEnv
                    + " (server.admin_key_env) to an admin key, or manage keys with `tokenwise keys`.");
        }
        String auth = ctx.header("Authorization");
        String presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
        if (presented == null || !MessageDigest.isEqual(Hashing.sha256(presented), adminHash)) {
            throw GatewayException.unauthorized("The admin API needs 'Authorization: Bearer <admin key>'.");
        }
    }

    private void create(HttpCall ctx) {
        requireAdmin(ctx);
        JsonNode body;
        try {
            body = Json.parse(ctx.body());
        } catch (RuntimeException e) {
            throw GatewayException.invalidJson("The body must be a JSON object: " + e.getMessage());
        }
        String name = body.path("name").asText(null);
        if (name == null || name.isBlank()) throw GatewayException.invalidRequest("'name' is required", "name");
        BigDecimal budget = null;
        if (body.hasNonNull("budget_usd")) {
            if (!body.get("budget_usd").isNumber() || body.get("budget_usd").decimalValue().signum() < 0) {
                throw GatewayException.invalidRequest("'budget_usd' must be a number >= 0", "budget_usd");
            }
            budget = body.get("budget_usd").decimalValue();
        }
        BudgetPeriod period = null;
        if (body.hasNonNull("period")) {
            try {
                period = BudgetPeriod.parse(body.get("period").asText());
            } catch (IllegalArgumentException e) {
                throw GatewayException.invalidRequest(e.getMessage(), "period");
            }
        }
        KeyStore.Created c = keys.store().create(name, body.path("tenant").asText(null), budget, period);
        ObjectNode out = describe(c.key());
        out.put("secret", c.secret());
        ctx.status(201).json(Json.bytes(out));
    }

    private void list(HttpCall ctx) {
        requireAdmin(ctx);
        ObjectNode root = Json.object();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ApiKey k : keys.store().list()) data.add(describe(k));
        ctx.json(Json.bytes(root));
    }

    private void revoke(HttpCall ctx) {
        requireAdmin(ctx);
        String id = ctx.pathParam("id");
        if (!keys.store().revoke(id)) throw GatewayException.notFound("No key with id " + id);
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("revoked", true);
        ctx.json(Json.bytes(out));
    }

    /** The JSON view of a key (never its secret), with its spend in the current period. */
    public ObjectNode describe(ApiKey k) {
        return KeyViews.describe(k, keys.budgets(), clock);
    }
}
