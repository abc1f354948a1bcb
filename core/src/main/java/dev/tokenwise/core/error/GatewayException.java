package dev.tokenwise.core.error;

/**
 * The one failure type of the gateway: everything that goes wrong on a request ends up as this,
 * carrying the HTTP status and the OpenAI-style error fields it is rendered with.
 *
 * <p>It is mapped to a response in exactly one place (the server's error mapper), so stages and
 * providers only decide <em>what</em> went wrong, never how it is written.
 */
public final class GatewayException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final String provider;
    private final boolean retryable;
    private final long retryAfterMillis;

    private GatewayException(Builder b) {
        super(b.message, b.cause, false, b.cause != null);
        this.status = b.status;
        this.type = b.type;
        this.code = b.code;
        this.param = b.param;
        this.provider = b.provider;
        this.retryable = b.retryable;
        this.retryAfterMillis = b.retryAfterMillis;
    }

    public int status() { return status; }
    public String type() { return type; }
    public String code() { return code; }
    public String param() { return param; }
    public String provider() { return provider; }
    public boolean retryable() { return retryable; }
    /** Milliseconds the upstream asked us to wait (Retry-After), or -1 when it did not say. */
    public long retryAfterMillis() { return retryAfterMillis; }

    public static GatewayException invalidRequest(String message, String param) {
        return builder(400, message).type("invalid_request_error").code("invalid_request").param(param).build();
    }

    public static GatewayException invalidJson(String message) {
        return builder(400, message).type("invalid_request_error").code("invalid_json").build();
    }

    public static GatewayException unauthorized(String message) {
        return builder(401, message).type("authentication_error").code("invalid_api_key").build();
    }

    public static GatewayException forbidden(String message) {
        return builder(403, message).type("permission_error").code("forbidden").build();
    }

    public static GatewayException modelNotFound(String model) {
        return builder(404, "The model `" + model + "` does not exist or is not configured on this gateway.")
                .type("invalid_request_error").code("model_not_found").param("model").build();
    }

    public static GatewayException notFound(String message) {
        return builder(404, message).type("invalid_request_error").code("not_found").build();
    }

    public static GatewayException tooLarge(long limitBytes) {
        return builder(413, "Request body is larger than the limit of " + limitBytes + " bytes.")
                .type("invalid_request_error").code("request_too_large").build();
    }

    public static GatewayException rateLimited(String message, String code) {
        return builder(429, message).type("rate_limit_error").code(code).build();
    }

    public static GatewayException upstream(String provider, String message, Throwable cause) {
        return builder(502, message).type("upstream_error").code("bad_gateway").provider(provider)
                .retryable(true).cause(cause).build();
    }

    public static GatewayException upstreamTimeout(String provider, String message, Throwable cause) {
        return builder(504, message).type("upstream_error").code("upstream_timeout").provider(provider)
                .retryable(true).cause(cause).build();
    }

    public static GatewayException internal(String message, Throwable cause) {
        return builder(500, message).type("server_error").code("internal_error").cause(cause).build();
    }

    public static Builder builder(int status, String message) {
        return new Builder(status, message);
    }

    public Builder toBuilder() {
        return new Builder(status, getMessage()).type(type).code(code).param(param).provider(provider)
                .retryable(retryable).retryAfterMillis(retryAfterMillis).cause(getCause());
    }

    /** Builder for the rarer combinations the factories above do not cover. */
    public static final class Builder {
        private final int status;
        private final String message;
        private String type = "server_error";
        private String code;
        private String param;
        private String provider;
        private boolean retryable;
        private long retryAfterMillis = -1;
        private Throwable cause;

        private Builder(int status, String message) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be an HTTP error status, was " + status);
            }
            this.status = status;
            this.message = message == null ? "" : message;
        }

        public Builder type(String type) { this.type = type; return this; }
        public Builder code(String code) { this.code = code; return this; }
        public Builder param(String param) { this.param = param; return this; }
        public Builder provider(String provider) { this.provider = provider; return this; }
        public Builder retryable(boolean retryable) { this.retryable = retryable; return this; }
        public Builder retryAfterMillis(long millis) { this.retryAfterMillis = millis; return this; }
        public Builder cause(Throwable cause) { this.cause = cause; return this; }
        public GatewayException build() { return new GatewayException(this); }
    }
}
