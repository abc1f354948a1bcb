package dev.tokenwise.gateway.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.provider.ModelRegistry;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the gateway: OpenAI's chat completions and models endpoints plus health, on
 * Javalin with virtual threads. It parses, hands the exchange to the pipeline, and writes the
 * reply or the error; all policy lives in the pipeline's stages.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final String HANDLED = "tokenwise.handled";
    private static final HexFormat HEX = HexFormat.of();
    /** Pending connections the kernel queues before the server accepts them (capped by net.core.somaxconn). */
    static final int ACCEPT_QUEUE = 1024;

    private final Javalin app;
    private final Pipeline pipeline;
    private final ModelRegistry registry;
    private final long maxBodyBytes;
    private final InstantSource clock;
    private final LongSupplier nanoTime;
    /** Where {@link #start} binds; read by the connector factory while Javalin starts. */
    private volatile String bindHost;
    private volatile int bindPort;

    /**
     * @param shutdownGraceMs how long {@link #close()} lets in-flight requests finish after it stops
     *     accepting new ones
     */
    public GatewayServer(Pipeline pipeline, ModelRegistry registry, long maxBodyBytes, long shutdownGraceMs,
                         InstantSource clock, LongSupplier nanoTime, Consumer<Javalin> extraRoutes) {
        this.pipeline = pipeline;
        this.registry = registry;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.app = Javalin.create(cfg -> {
            // -Dtokenwise.server.platformThreads=true serves on Jetty's pool of platform threads instead (an A/B switch for
            // bench overhead, docs/benchmarks.md; virtual threads stay the default)
            cfg.useVirtualThreads = !Boolean.getBoolean("tokenwise.server.platformThreads");
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.disableCompression();
            cfg.http.maxRequestSize = maxBodyBytes;
            cfg.jetty.modifyServer(server -> server.setStopTimeout(shutdownGraceMs));
            // our own connector instead of Javalin's default one, for its accept queue: the default
            // backlog of 50 makes the kernel reset connections when a burst of clients connects at once
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
                c.setHost(bindHost);
                c.setPort(bindPort);
                c.setAcceptQueueSize(ACCEPT_QUEUE);
                return c;
            });
            cfg.jetty.modifyHttpConfiguration(http -> {
                // oversized headers are cut off with 431 instead of buffering without bound
                http.setRequestHeaderSize(16 * 1024);
                http.setSendServerVersion(false);
            });
        });
        app.post("/v1/chat/completions", this::chatCompletions);
        app.post("/chat/completions", this::chatCompletions);
        app.get("/v1/models", this::models);
        app.get("/models", this::models);
        app.get("/healthz", ctx -> {
            ctx.attribute(HANDLED, true);
            ctx.json(Map.of("status", "ok"));
        });
        if (extraRoutes != null) extraRoutes.accept(app);
        app.exception(GatewayException.class, (e, ctx) -> writeError(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> writeError(ctx,
                GatewayException.builder(e.getStatus() >= 400 ? e.getStatus() : 400, e.getMessage())
                        .type("invalid_request_error").build()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            writeError(ctx, ErrorMapper.normalise(e));
        });
        app.error(404, ctx -> {
            if (ctx.attribute(HANDLED) == null) {
                writeError(ctx, GatewayException.notFound("Unknown path: " + ctx.method() + " " + ctx.path()));
            }
        });
        app.error(405, ctx -> {
            if (ctx.attribute(HANDLED) == null) {
                writeError(ctx, GatewayException.builder(405, "Method " + ctx.method() + " is not allowed on " + ctx.path())
                        .type("invalid_request_error").code("method_not_allowed").build());
            }
        });
    }

    /**
     * @param idleTimeoutMs connections silent this long are closed, which also cuts off slow-loris
     *     clients that trickle their headers
     */
    public GatewayServer start(String host, int port, long idleTimeoutMs) {
        bindHost = host;
        bindPort = port;
        app.start(host, port);
        for (var c : app.jettyServer().server().getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.AbstractConnector ac) ac.setIdleTimeout(idleTimeoutMs);
        }
        return this;
    }

    public int port() { return app.port(); }

    @Override
    public void close() {
        try {
            app.stop();
        } catch (RuntimeException e) {
            // requests still running after the grace period are cut off; that is what the grace period is for
            LOG.warn("stopped with requests still in flight after the grace period: {}", e.toString());
        }
    }

    private void chatCompletions(Context ctx) {
        ctx.attribute(HANDLED, true);
        long start = nanoTime.getAsLong();
        byte[] body = readBody(ctx);
        ChatRequest request = ChatRequest.parse(body);
        Map<String, String> headers = new HashMap<>();
        for (String name : ctx.headerMap().keySet()) headers.put(name, ctx.header(name));
        // unique, not secret: no need for UUID's SecureRandom on every request
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String id = "req_" + HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
        Exchange ex = Exchange.create(id, clock.instant(), start, request, headers, null);
        ctx.header("x-request-id", id);
        if (!request.stream()) {
            Reply reply = pipeline.execute(ex);
            ex.responseHeaders().forEach(ctx::header);
            ctx.status(200).contentType("application/json").result(Json.bytes(reply.response().body()));
            return;
        }
        SseSink sink = new SseSink(ctx.res(), ex.responseHeaders(), request.includeUsage());
        ex = ex.withSink(sink);
        try {
            pipeline.execute(ex);
            sink.done();
        } catch (ClientGoneException gone) {
            LOG.debug("client went away during stream {}", id);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof ClientGoneException || sink.cancelled()) return;
            if (!sink.started()) throw e;
            GatewayException g = ErrorMapper.normalise(e);
            if (g.status() >= 500 && !(e instanceof GatewayException)) LOG.error("stream {} failed", id, e);
            sink.fail(g);
        }
    }

    private byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) throw GatewayException.tooLarge(maxBodyBytes);
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (data.length > maxBodyBytes) throw GatewayException.tooLarge(maxBodyBytes);
            return data;
        } catch (IOException e) {
            throw GatewayException.invalidRequest("Could not read the request body: " + e.getMessage(), null);
        }
    }

    private void models(Context ctx) {
        ctx.attribute(HANDLED, true);
        ObjectNode root = Json.object();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        long created = clock.instant().getEpochSecond();
        for (String name : registry.names()) {
            ObjectNode m = data.addObject();
            m.put("id", name);
            m.put("object", "model");
            m.put("created", created);
            m.put("owned_by", registry.resolve(name).provider().name());
        }
        ctx.contentType("application/json").result(Json.bytes(root));
    }

    private static void writeError(Context ctx, GatewayException e) {
        ctx.attribute(HANDLED, true);
        if (e.retryAfterMillis() >= 0 && e.status() == 429) {
            ctx.header("Retry-After", Long.toString(Math.max(1, (e.retryAfterMillis() + 999) / 1000)));
        }
        ctx.status(e.status()).contentType("application/json").result(Json.bytes(ErrorMapper.body(e)));
    }
}
