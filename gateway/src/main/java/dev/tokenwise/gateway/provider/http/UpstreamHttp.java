package dev.tokenwise.gateway.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.ModelConfig.TimeoutConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * The upstream HTTP layer shared by the HTTP adapters: one pooled {@link OkHttpClient} (per-model
 * timeouts are cheap views of it that share its connection pool), and the one translation of
 * upstream failures into {@link GatewayException}s naming the provider.
 *
 * <p>Status mapping: an upstream 400/413/422 is the client's mistake and keeps its status and
 * message; 401/403/404 mean our credentials or configuration are wrong (502); 429 stays 429 with
 * the upstream's Retry-After; 408, 5xx and connection failures are 502; timeouts are 504.
 */
public final class UpstreamHttp implements AutoCloseable {
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final OkHttpClient shared;
    private final InstantSource clock;
    private final Map<TimeoutConfig, OkHttpClient> byTimeouts = new ConcurrentHashMap<>();

    public UpstreamHttp(InstantSource clock) {
        this.clock = clock;
        this.shared = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
                .followRedirects(false)
                .build();
    }

    /** A client with the model's timeouts ({@link SocketTimeouts}: who enforces which), sharing the pool. */
    OkHttpClient client(TimeoutConfig t) {
        return byTimeouts.computeIfAbsent(t, k -> shared.newBuilder()
                .connectTimeout(Duration.ofMillis(k.connectMs()))
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .addInterceptor(new SocketTimeouts.PerCall(k, Math.max(k.connectMs(), 30_000)))
                .addNetworkInterceptor(new SocketTimeouts.OnSocket(k))
                .build());
    }

    /**
     * Sends a request and returns the successful response, its body governed by the idle timeout
     * ({@link SocketTimeouts}); any failure (transport or non-2xx) is thrown as a GatewayException.
     */
    public Response execute(String provider, Request request, TimeoutConfig t) {
        Call call = client(t).newCall(request);
        return execute(provider, call, t);
    }

    /** As {@link #execute(String, Request, TimeoutConfig)} for a call the caller keeps (to cancel it). */
    public Response execute(String provider, Call call, TimeoutConfig t) {
        Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            throw transportFailure(provider, e, t, false);
        }
        if (!response.isSuccessful()) {
            try (response) {
                throw error(provider, response);
            }
        }
        return response;
    }

    public Call newCall(Request request, TimeoutConfig t) {
        return client(t).newCall(request);
    }

    /** A transport failure (no HTTP status) as a 504 (timeout) or 502, retryable either way. */
    public static GatewayException transportFailure(String provider, IOException e, TimeoutConfig t, boolean midStream) {
        boolean timeout = e instanceof SocketTimeoutException
                || (e instanceof InterruptedIOException && String.valueOf(e.getMessage()).contains("timeout"));
        if (timeout) {
            String what = midStream
                    ? "sent nothing for " + t.idleMs() + " ms in the middle of the answer (idle timeout)"
                    : "did not answer within " + t.firstByteMs() + " ms (first-byte timeout)";
            return GatewayException.upstreamTimeout(provider, "Upstream provider " + provider + " " + what + ".", e);
        }
        String what = midStream ? "closed the connection in the middle of the answer" : "could not be reached";
        return GatewayException.upstream(provider, "Upstream provider " + provider + " " + what + ": "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }

    /**
     * A successful upstream response's body parsed as JSON: a read failure is a mid-answer
     * transport failure, a body that is not JSON a 502.
     */
    public static JsonNode readJson(String provider, Response response, TimeoutConfig t) {
        try {
            ResponseBody rb = response.body();
            // parsed from the bytes: no decoded copy of the body as a String on the way
            return Json.parse(rb == null ? new byte[0] : rb.bytes());
        } catch (IOException e) {
            throw transportFailure(provider, e, t, true);
        } catch (RuntimeException e) {
            throw GatewayException.upstream(provider, "Upstream provider " + provider + " answered with a body that is not JSON.", e);
        }
    }

    /** A non-2xx upstream response as the gateway error the client should see. */
    public GatewayException error(String provider, Response response) {
        int status = response.code();
        String text = "";
        try {
            ResponseBody b = response.body();
            if (b != null) {
                BufferedSource src = b.source();
                src.request(MAX_ERROR_BODY);
                text = src.getBuffer().snapshot().size() > MAX_ERROR_BODY
                        ? src.getBuffer().snapshot().substring(0, MAX_ERROR_BODY).utf8()
                        : src.getBuffer().snapshot().utf8();
            }
        } catch (IOException ignored) {
            // the status alone still tells the client what happened
        }
        return fromStatus(provider, status, text, retryAfterMillis(response));
    }

    /**
     * Maps an upstream status and error body (OpenAI or Anthropic error shape, or plain text) to
     * the gateway's error.
     */
    public static GatewayException fromStatus(String provider, int status, String bodyText, long retryAfterMillis) {
        String upstreamMessage = null;
        String upstreamType = null;
        String upstreamCode = null;
        String upstreamParam = null;
        try {
            JsonNode n = Json.parse(bodyText);
            JsonNode err = n.path("error");
            if (err.isObject()) {
                upstreamMessage = Json.text(err, "message");
                upstreamType = Json.text(err, "type");
                upstreamCode = Json.text(err, "code");
                upstreamParam = Json.text(err, "param");
            } else if (err.isTextual()) {
                upstreamMessage = err.asText();
            } else if (n.hasNonNull("message")) {
                upstreamMessage = n.get("message").asText();
            }
        } catch (RuntimeException notJson) {
            String t = bodyText == null ? "" : bodyText.strip();
            upstreamMessage = t.isEmpty() ? null : (t.length() > 300 ? t.substring(0, 300) + "…" : t);
        }
        String detail = upstreamMessage == null ? "HTTP " + status : "HTTP " + status + ": " + upstreamMessage;
        if (status < 400 || status > 599) {
            // redirects are not followed (a request body must not be replayed to another host)
            return GatewayException.builder(502, "Upstream provider " + provider + " answered " + detail
                            + " instead of a completion; check the model's base_url.")
                    .type("upstream_error").code("bad_gateway").provider(provider).build();
        }
        if (status == 400 || status == 413 || status == 422) {
            return GatewayException.builder(status, upstreamMessage != null ? upstreamMessage
                            : "The upstream provider " + provider + " rejected the request (HTTP " + status + ").")
                    .type("invalid_request_error").code(upstreamCode != null ? upstreamCode : "upstream_rejected")
                    .param(upstreamParam).provider(provider).build();
        }
        if (status == 429) {
            return GatewayException.builder(429, "Upstream provider " + provider + " is rate limiting us (" + detail + ").")
                    .type("rate_limit_error").code("upstream_rate_limited").provider(provider).retryable(true)
                    .retryAfterMillis(retryAfterMillis).build();
        }
        if (status == 401 || status == 403) {
            return GatewayException.builder(502, "Upstream provider " + provider + " refused the gateway's credentials ("
                            + detail + "); check the model's api_key_env.")
                    .type("upstream_error").code("upstream_auth_failed").provider(provider).build();
        }
        if (status == 404) {
            return GatewayException.builder(502, "Upstream provider " + provider + " does not know this model or path ("
                            + detail + "); check the model's base_url and upstream_model.")
                    .type("upstream_error").code("upstream_not_found").provider(provider).build();
        }
        boolean retryable = status == 408 || status >= 500;
        String type = upstreamType != null && status >= 500 ? upstreamType : "upstream_error";
        return GatewayException.builder(502, "Upstream provider " + provider + " failed (" + detail + ").")
                .type("upstream_error").code(status >= 500 ? "upstream_" + (type.equals("overloaded_error") ? "overloaded" : "server_error") : "bad_gateway")
                .provider(provider).retryable(retryable).retryAfterMillis(retryable ? retryAfterMillis : -1).build();
    }

    /** Milliseconds from {@code retry-after-ms} or {@code Retry-After} (seconds or HTTP date); -1 when absent. */
    public long retryAfterMillis(Response response) {
        String ms = response.header("retry-after-ms");
        if (ms != null) {
            try {
                return Math.max(0, (long) Double.parseDouble(ms.trim()));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        return parseRetryAfter(response.header("Retry-After"), clock);
    }

    static long parseRetryAfter(String value, InstantSource clock) {
        if (value == null || value.isBlank()) return -1;
        String v = value.trim();
        try {
            return Math.max(0, (long) (Double.parseDouble(v) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - clock.instant().toEpochMilli());
            } catch (DateTimeParseException notDate) {
                return -1;
            }
        }
    }

    @Override
    public void close() {
        shared.dispatcher().executorService().shutdown();
        shared.connectionPool().evictAll();
    }
}
