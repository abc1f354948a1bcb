package dev.tokenwise.gateway.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.Json;

/**
 * The one place where failures become wire errors: {@code {"error":{message,type,param,code}}}.
 * Unexpected exceptions become a 500 with a generic message; their details go to the log only.
 */
public final class ErrorMapper {
    private ErrorMapper() {}

    public static ObjectNode body(GatewayException e) {
        ObjectNode root = Json.object();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.type());
        if (e.param() != null) err.put("param", e.param()); else err.putNull("param");
        if (e.code() != null) err.put("code", e.code()); else err.putNull("code");
        if (e.provider() != null) err.put("provider", e.provider());
        return root;
    }

    /** Answers a call with the error: its status, Retry-After for a 429, and the body above. */
    static void write(HttpCall call, GatewayException e) {
        if (e.retryAfterMillis() >= 0 && e.status() == 429) {
            call.header("Retry-After", Long.toString(Math.max(1, (e.retryAfterMillis() + 999) / 1000)));
        }
        call.status(e.status()).json(Json.bytes(body(e)));
    }

    /** Any throwable as a gateway failure: gateway failures as they are, others as a generic 500. */
    public static GatewayException normalise(Throwable t) {
        if (t instanceof GatewayException g) return g;
        if (t.getCause() instanceof GatewayException g) return g;
        return GatewayException.internal("The gateway hit an unexpected error while handling your request.", t);
    }
}
