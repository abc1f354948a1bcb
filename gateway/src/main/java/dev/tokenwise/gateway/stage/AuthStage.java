package dev.tokenwise.gateway.stage;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.gateway.keys.ApiKey;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.util.Optional;
import java.util.function.Function;

/**
 * First stage: turns the presented virtual key ({@code Authorization: Bearer}, or the
 * {@code api-key} / {@code x-api-key} headers some SDKs send) into the request's {@link Principal}.
 * Once any key exists, a missing, unknown or revoked key is a 401. A gateway with no keys at all
 * (only allowed on loopback, see {@code Gateway}) serves everyone as the anonymous principal.
 */
public final class AuthStage implements Stage {
    private final KeyStore store;

    public AuthStage(KeyStore store) {
        this.store = store;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        ApiKey k = authenticate(ex::header);
        if (k == null) return next.proceed(ex);
        Exchange authenticated = ex.withPrincipal(principal(k));
        // the budget stage needs the key's budget: hand it on rather than reading the key again
        authenticated.attach(ApiKey.class, k);
        return next.proceed(authenticated);
    }

    /**
     * The principal of a request outside the chat pipeline (the batch job API), by the same rules:
     * the anonymous principal when the gateway has no keys, else the presented key's, else a 401.
     */
    public Principal principal(Function<String, String> headers) {
        ApiKey k = authenticate(headers);
        return k == null ? Principal.ANONYMOUS : principal(k);
    }

    private static Principal principal(ApiKey k) {
        return new Principal(k.id(), k.name(), k.tenant());
    }

    /** The presented key; null when the gateway has no keys at all; a 401 when it is missing, unknown or revoked. */
    private ApiKey authenticate(Function<String, String> headers) {
        if (!store.hasKeys()) return null;
        String secret = presented(headers);
        if (secret == null) {
            throw GatewayException.unauthorized("You didn't provide an API key. Send a tokenwise key as "
                    + "'Authorization: Bearer tw-...'.");
        }
        Optional<ApiKey> key = store.authenticate(secret);
        if (key.isEmpty()) {
            throw GatewayException.unauthorized("Incorrect API key provided: " + mask(secret) + ".");
        }
        ApiKey k = key.get();
        if (k.revoked()) {
            throw GatewayException.unauthorized("The API key " + k.id() + " (" + k.name() + ") has been revoked.");
        }
        return k;
    }

    static String presented(Function<String, String> headers) {
        String auth = headers.apply("authorization");
        if (auth != null) {
            String a = auth.strip();
            if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String s = a.substring(7).strip();
                if (!s.isEmpty()) return s;
            }
        }
        for (String h : new String[] {"api-key", "x-api-key"}) {
            String v = headers.apply(h);
            if (v != null && !v.isBlank()) return v.strip();
        }
        return null;
    }

    /** Enough of a key to recognise it in a log, never enough to use it. */
    static String mask(String secret) {
        if (secret.length() <= 10) return "***";
        return secret.substring(0, 6) + "***" + secret.substring(secret.length() - 4);
    }
}
