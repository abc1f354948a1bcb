package dev.tokenwise.gateway.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.ledger.LedgerQuery;
import dev.tokenwise.gateway.ledger.LedgerRecord;
import dev.tokenwise.gateway.observe.GatewayMetrics;
import dev.tokenwise.gateway.server.Routes;
import dev.tokenwise.gateway.server.HttpCall;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard at {@code /ui}, its JSON API under {@code /v1/tokenwise/} and Prometheus'
 * {@code /metrics}, all behind the admin key. The page is static HTML and JavaScript bundled in
 * the jar; ECharts comes from its WebJar; every number the page shows comes from the JSON API.
 */
public final class DashboardRoutes {
    private static final String RES = "/dev/tokenwise/gateway/dashboard/";
    private static final List<Duration> BUCKETS = List.of(Duration.ofSeconds(10), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1));
    private static final Map<String, Duration> RANGES = Map.of("15m", Duration.ofMinutes(15), "1h", Duration.ofHours(1),
            "6h", Duration.ofHours(6), "24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

    /** What {@code /breakdown?by=} accepts (LedgerQuery's dimensions). */
    static final String DIMENSIONS = "one of feature, model, requested_model, key, tenant, strategy, cache_status";

    private final LedgerQuery queries;
    private final BudgetSource budgets;
    private final GatewayMetrics metrics;
    private final AdminAuth auth;
    private final String adminKeyEnv;
    private final Map<String, String> tiers;
    private final InstantSource clock;
    private final Map<String, Asset> assets;

    private record Asset(byte[] bytes, String contentType, String cacheControl) {}

    /**
     * @param adminKey the admin key's value, null when none is configured
     * @param adminKeyEnv the variable it came from (named on the login page)
     * @param bindHost the gateway's bind address (loopback decides whether no key means open)
     * @param tiers served model name to its tier, for the routing panel
     */
    public DashboardRoutes(LedgerQuery queries, BudgetSource budgets, GatewayMetrics metrics, String adminKey,
                           String adminKeyEnv, String bindHost, Map<String, String> tiers, InstantSource clock) {
        this.queries = queries;
        this.budgets = budgets;
        this.metrics = metrics;
        this.auth = new AdminAuth(adminKey, bindHost);
        this.adminKeyEnv = adminKeyEnv;
        this.tiers = Map.copyOf(tiers);
        this.clock = clock;
        String echarts = "/META-INF/resources/webjars/echarts/" + webjarVersion("echarts") + "/dist/echarts.min.js";
        this.assets = Map.of(
                "app.js", new Asset(resource(RES + "app.js"), "text/javascript; charset=utf-8", "no-cache"),
                "app.css", new Asset(resource(RES + "app.css"), "text/css; charset=utf-8", "no-cache"),
                "echarts.min.js", new Asset(resource(echarts), "text/javascript; charset=utf-8", "max-age=86400"));
    }

    /** Adds the routes; pass as {@code extraRoutes} to the server. */
    public void register(Routes app) {
        app.get("/ui", this::page);
        app.get("/ui/", ctx -> ctx.redirect("/ui", 302));
        app.post("/ui/login", this::login);
        app.post("/ui/logout", ctx -> {
            ctx.header("Set-Cookie", AdminAuth.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
            ctx.redirect("/ui", 303);
        });
        app.get("/ui/assets/{name}", this::asset);
        app.get("/metrics", this::metrics);
        app.get("/v1/tokenwise/summary", ctx -> api(ctx, this::summary));
        app.get("/v1/tokenwise/timeseries", ctx -> api(ctx, this::timeseries));
        app.get("/v1/tokenwise/breakdown", ctx -> api(ctx, this::breakdown));
        app.get("/v1/tokenwise/requests", ctx -> api(ctx, this::requests));
        app.get("/v1/tokenwise/budgets", ctx -> api(ctx, c -> budgetsJson()));
    }

    private interface Handler {
        ObjectNode handle(HttpCall ctx);
    }

    private boolean allowed(HttpCall ctx) {
        return auth.allowed(ctx.header("Authorization"), ctx.cookie(AdminAuth.COOKIE));
    }

    private void requireAdmin(HttpCall ctx) {
        if (allowed(ctx)) return;
        if (auth.mode() == AdminAuth.Mode.CLOSED) {
            throw GatewayException.forbidden("No admin key is configured and the gateway listens beyond loopback: set "
                    + adminKeyEnv + " to use the dashboard API and /metrics.");
        }
        throw GatewayException.unauthorized("The admin key is required: send 'Authorization: Bearer <admin key>' (the value of "
                + adminKeyEnv + ").");
    }

    private void api(HttpCall ctx, Handler h) {
        requireAdmin(ctx);
        ObjectNode body = h.handle(ctx);
        ctx.header("Cache-Control", "no-store");
        ctx.json(Json.bytes(body));
    }

    private void page(HttpCall ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Frame-Options", "DENY");
        if (allowed(ctx)) {
            String html = new String(resource(RES + "index.html"), StandardCharsets.UTF_8)
                    .replace("{{ACCESS}}", auth.mode() == AdminAuth.Mode.OPEN_LOOPBACK ? "open" : "key")
                    .replace("{{ADMIN_ENV}}", escape(adminKeyEnv));
            ctx.html(html);
            return;
        }
        loginPage(ctx, auth.mode() == AdminAuth.Mode.CLOSED ? 403 : 401, null);
    }

    private void loginPage(HttpCall ctx, int status, String error) {
        String message = auth.mode() == AdminAuth.Mode.CLOSED
                ? "No admin key is configured and this gateway listens beyond loopback. Set " + escape(adminKeyEnv)
                  + " and restart to open the dashboard."
                : error == null ? "" : escape(error);
        String html = new String(resource(RES + "login.html"), StandardCharsets.UTF_8)
                .replace("{{MESSAGE}}", message)
                .replace("{{ADMIN_ENV}}", escape(adminKeyEnv))
                .replace("{{DISABLED}}", auth.mode() == AdminAuth.Mode.CLOSED ? "disabled" : "");
        ctx.status(status).html(html);
    }

    private void login(HttpCall ctx) {
        ctx.header("Cache-Control", "no-store");
        if (auth.mode() == AdminAuth.Mode.OPEN_LOOPBACK) {
            ctx.redirect("/ui", 303);
            return;
        }
        if (auth.mode() == AdminAuth.Mode.KEY && auth.matches(ctx.formParam("key"))) {
            ctx.header("Set-Cookie", AdminAuth.COOKIE + "=" + auth.sessionToken() + "; Path=/; HttpOnly; SameSite=Strict");
            ctx.redirect("/ui", 303);
            return;
        }
        loginPage(ctx, auth.mode() == AdminAuth.Mode.CLOSED ? 403 : 401, "That is not the admin key.");
    }

    private void asset(HttpCall ctx) {
        Asset a = assets.get(ctx.pathParam("name"));
        if (a == null) throw GatewayException.notFound("Unknown asset: " + ctx.pathParam("name"));
        ctx.header("Cache-Control", a.cacheControl()).contentType(a.contentType()).result(a.bytes());
    }

    private void metrics(HttpCall ctx) {
        requireAdmin(ctx);
        if (!metrics.enabled()) {
            throw GatewayException.notFound("Metrics are disabled (observability.metrics: false).");
        }
        ctx.contentType(metrics.contentType()).result(metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    // ---- JSON API -------------------------------------------------------------------------

    private record Window(LedgerQuery.Filter filter, String range, Duration bucket) {}

    private Window window(HttpCall ctx) {
        Instant now = clock.instant();
        String range = ctx.queryParam("range");
        Instant from = parseInstant(ctx.queryParam("from"), "from");
        Instant to = parseInstant(ctx.queryParam("to"), "to");
        if (from == null && to == null) {
            if (range == null) range = "24h";
            if (!range.equals("all")) {
                Duration d = RANGES.get(range);
                if (d == null) {
                    throw GatewayException.invalidRequest("unknown range '" + range + "' (one of "
                            + RANGES.keySet().stream().sorted().toList() + " or all)", "range");
                }
                from = now.minus(d);
            }
        } else {
            range = "custom";
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw GatewayException.invalidRequest("'from' must be before 'to'", "from");
        }
        String tenant = ctx.queryParam("tenant");
        if (tenant != null && tenant.isBlank()) tenant = null;
        Duration span = Duration.between(from == null ? now.minus(Duration.ofDays(30)) : from, to == null ? now : to);
        Duration bucket = BUCKETS.get(BUCKETS.size() - 1);
        for (Duration b : BUCKETS) {
            if (span.dividedBy(b) <= 120) { bucket = b; break; }
        }
        return new Window(new LedgerQuery.Filter(from, to, tenant), range, bucket);
    }

    private static Instant parseInstant(String v, String param) {
        if (v == null || v.isBlank()) return null;
        try {
            return v.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(v)) : Instant.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw GatewayException.invalidRequest("'" + param + "' must be an ISO-8601 instant or epoch milliseconds, was '" + v + "'", param);
        }
    }

    private ObjectNode envelope(Window w) {
        ObjectNode n = Json.object();
        n.put("range", w.range());
        if (w.filter().from() != null) n.put("from", w.filter().from().toString()); else n.putNull("from");
        n.put("to", (w.filter().to() != null ? w.filter().to() : clock.instant()).toString());
        if (w.filter().tenant() != null) n.put("tenant", w.filter().tenant()); else n.putNull("tenant");
        return n;
    }

    private ObjectNode summary(HttpCall ctx) {
        Window w = window(ctx);
        LedgerQuery.Totals t = queries.totals(w.filter());
        long hits = 0;
        for (LedgerQuery.Group g : queries.groupBy(LedgerQuery.Dimension.CACHE_STATUS, w.filter())) {
            if (g.key() != null && g.key().startsWith("hit")) hits += g.totals().requests();
        }
        ObjectNode n = envelope(w);
        n.put("access", auth.mode() == AdminAuth.Mode.OPEN_LOOPBACK ? "open-loopback" : "admin-key");
        n.put("requests", t.requests());
        n.put("errors", t.errors());
        n.put("input_tokens", t.inputTokens());
        n.put("cached_tokens", t.cachedTokens());
        n.put("output_tokens", t.outputTokens());
        n.put("cost_usd", t.spendUsd());
        n.put("baseline_usd", t.baselineUsd());
        n.put("saved_usd", t.savedUsd());
        n.put("saved_ratio", ratio(t.savedUsd(), t.baselineUsd()));
        n.put("cache_hits", hits);
        n.put("cache_hit_rate", t.requests() == 0 ? 0 : round((double) hits / t.requests()));
        if (t.first() != null) n.put("first", t.first().toString()); else n.putNull("first");
        if (t.last() != null) n.put("last", t.last().toString()); else n.putNull("last");
        return n;
    }

    private ObjectNode timeseries(HttpCall ctx) {
        Window w = window(ctx);
        Duration bucket = w.bucket();
        String b = ctx.queryParam("bucket");
        if (b != null) {
            try {
                bucket = Duration.ofSeconds(Long.parseLong(b.endsWith("s") ? b.substring(0, b.length() - 1) : b));
            } catch (NumberFormatException e) {
                throw GatewayException.invalidRequest("'bucket' must be seconds, e.g. 60 or 60s, was '" + b + "'", "bucket");
            }
            if (bucket.toSeconds() < 1) throw GatewayException.invalidRequest("'bucket' must be at least 1 second", "bucket");
        }
        ObjectNode n = envelope(w);
        n.put("bucket_seconds", bucket.toSeconds());
        ArrayNode points = n.putArray("points");
        for (LedgerQuery.Point p : queries.series(bucket, w.filter())) {
            ObjectNode o = points.addObject();
            o.put("t", p.start().toString());
            o.put("t_ms", p.start().toEpochMilli());
            o.put("requests", p.requests());
            o.put("cost_usd", p.spendUsd());
            o.put("baseline_usd", p.baselineUsd());
            o.put("saved_usd", p.savedUsd());
        }
        return n;
    }

    private ObjectNode breakdown(HttpCall ctx) {
        Window w = window(ctx);
        String by = ctx.queryParam("by");
        if (by == null) throw GatewayException.invalidRequest("'by' is required (" + DIMENSIONS + ")", "by");
        LedgerQuery.Dimension dim;
        try {
            dim = LedgerQuery.Dimension.parse(by);
        } catch (IllegalArgumentException e) {
            throw GatewayException.invalidRequest(e.getMessage(), "by");
        }
        int limit = intParam(ctx, "limit", 20, 1, 500);
        ObjectNode n = envelope(w);
        n.put("by", dim.label());
        ArrayNode groups = n.putArray("groups");
        // top spenders first: what a "who burns money" panel needs
        List<LedgerQuery.Group> sorted = queries.groupBy(dim, w.filter()).stream()
                .sorted(Comparator.comparing((LedgerQuery.Group g) -> g.totals().spendUsd()).reversed()
                        .thenComparing(g -> -g.totals().requests()))
                .limit(limit).toList();
        Map<String, String> keyNames = new java.util.HashMap<>();
        if (dim == LedgerQuery.Dimension.KEY) budgets.budgets().forEach(b -> keyNames.put(b.keyId(), b.keyName()));
        for (LedgerQuery.Group g : sorted) {
            LedgerQuery.Totals t = g.totals();
            String key = g.key() == null ? "none" : g.key();
            ObjectNode o = groups.addObject();
            o.put("key", key);
            if (keyNames.containsKey(key)) o.put("name", keyNames.get(key));
            if (dim == LedgerQuery.Dimension.MODEL || dim == LedgerQuery.Dimension.REQUESTED_MODEL) {
                o.put("tier", tiers.getOrDefault(key, "unknown"));
            }
            o.put("requests", t.requests());
            o.put("errors", t.errors());
            o.put("input_tokens", t.inputTokens());
            o.put("output_tokens", t.outputTokens());
            o.put("cost_usd", t.spendUsd());
            o.put("baseline_usd", t.baselineUsd());
            o.put("saved_usd", t.savedUsd());
        }
        return n;
    }

    private ObjectNode requests(HttpCall ctx) {
        Window w = window(ctx);
        int limit = intParam(ctx, "limit", 50, 1, 1000);
        ObjectNode n = envelope(w);
        ArrayNode rows = n.putArray("requests");
        for (LedgerRecord r : queries.recent(limit, w.filter())) {
            ObjectNode o = rows.addObject();
            o.put("id", r.id());
            o.put("time", r.time().toString());
            o.put("key_id", r.keyId());
            o.put("tenant", r.tenant());
            o.put("feature", r.feature());
            o.put("requested_model", r.requestedModel());
            o.put("served_model", r.servedModel());
            o.put("provider", r.provider());
            o.put("input_tokens", r.inputTokens());
            o.put("cached_tokens", r.cachedTokens());
            o.put("output_tokens", r.outputTokens());
            o.put("cost_usd", r.costUsd());
            o.put("baseline_usd", r.baselineUsd());
            o.put("saved_usd", r.savedUsd());
            ArrayNode applied = o.putArray("applied");
            if (r.strategy() != null) {
                for (String s : r.strategy().split(",")) if (!s.isBlank()) applied.add(s.trim());
            }
            o.put("cache_status", r.cacheStatus());
            o.put("latency_ms", round(r.latencyMs()));
            o.put("ttft_ms", r.ttftMs() < 0 ? -1 : round(r.ttftMs()));
            o.put("status", r.status());
            if (r.errorCode() != null) o.put("error_code", r.errorCode()); else o.putNull("error_code");
        }
        return n;
    }

    private ObjectNode budgetsJson() {
        ObjectNode n = Json.object();
        n.put("configured", budgets.configured());
        ArrayNode list = n.putArray("budgets");
        Instant now = clock.instant();
        for (BudgetSource.Budget b : budgets.budgets()) {
            ObjectNode o = list.addObject();
            o.put("key_id", b.keyId());
            o.put("key_name", b.keyName());
            o.put("tenant", b.tenant());
            o.put("period", b.period());
            o.put("period_start", b.periodStart().toString());
            o.put("period_end", b.periodEnd().toString());
            o.put("spent_usd", b.spentUsd());
            if (b.limitUsd() == null) {
                o.putNull("limit_usd");
                o.putNull("remaining_usd");
                o.putNull("used_ratio");
                o.putNull("projected_usd");
                continue;
            }
            o.put("limit_usd", b.limitUsd());
            o.put("remaining_usd", b.limitUsd().subtract(b.spentUsd()).max(BigDecimal.ZERO));
            o.put("used_ratio", ratio(b.spentUsd(), b.limitUsd()));
            // burn-down: at the current rate, what the period will have spent by its end
            double elapsed = Math.max(1, Duration.between(b.periodStart(), now).toMillis());
            double length = Math.max(1, Duration.between(b.periodStart(), b.periodEnd()).toMillis());
            o.put("projected_usd", b.spentUsd().multiply(BigDecimal.valueOf(length / elapsed), MathContext.DECIMAL64)
                    .setScale(6, RoundingMode.HALF_UP));
        }
        return n;
    }

    private static int intParam(HttpCall ctx, String name, int def, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) return def;
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw GatewayException.invalidRequest("'" + name + "' must be an integer in " + min + ".." + max + ", was '" + v + "'", name);
        }
    }

    private static double ratio(BigDecimal part, BigDecimal whole) {
        if (whole.signum() == 0) return 0;
        return part.divide(whole, 6, RoundingMode.HALF_UP).doubleValue();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static byte[] resource(String path) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing from the jar: " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    private static String webjarVersion(String name) {
        String path = "/META-INF/maven/org.webjars.npm/" + name + "/pom.properties";
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("WebJar " + name + " missing from the classpath");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
