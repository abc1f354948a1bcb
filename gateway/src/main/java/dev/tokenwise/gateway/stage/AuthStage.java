package dev.tokenwise.gateway.stage;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.gateway.keys.ApiKey;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.util.Optional;

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
        if (!store.hasKeys()) return next.proceed(ex);
        String secret = presented(ex);
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
        Exchange authenticated = ex.withPrincipal(new Principal(k.id(), k.name(), k.tenant()));
        // the budget stage needs the key's budget: hand it on rather than reading the key again
        authenticated.attach(ApiKey.class, k);
        return next.proceed(authenticated);
    }

    static String presented(Exchange ex) {
        String auth = ex.header("authorization");
        if (auth != null) {
            String a = auth.strip();
            if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String s = a.substring(7).strip();
                if (!s.isEmpty()) return s;
            }
        }
        for (String h : new String[] {"api-key", "x-api-key"}) {
            String v = ex.header(h);
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
