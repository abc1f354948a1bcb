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
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the gateway: OpenAI's chat completions and models endpoints plus health, on
 * {@link HttpServer} (a thread per connection, no hand-offs). It parses, hands the exchange to the
 * pipeline, and writes the reply or the error; all policy lives in the pipeline's stages.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final HexFormat HEX = HexFormat.of();

    private final Router router = new Router();
    private final HttpServer http;
    private final Pipeline pipeline;
    private final ModelRegistry registry;
    private final InstantSource clock;
    private final LongSupplier nanoTime;

    /**
     * @param shutdownGraceMs how long {@link #close()} lets in-flight requests finish after it stops
     *     accepting new ones
     * @param idleTimeoutMs connections silent this long are closed, which also cuts off slow-loris
     *     clients that trickle their headers
     */
    public GatewayServer(Pipeline pipeline, ModelRegistry registry, long maxBodyBytes, long shutdownGraceMs, long idleTimeoutMs,
                         InstantSource clock, LongSupplier nanoTime, Consumer<Routes> extraRoutes) {
        this.pipeline = pipeline;
        this.registry = registry;
        this.clock = clock;
        this.nanoTime = nanoTime;
        router.post("/v1/chat/completions", this::chatCompletions);
        router.post("/chat/completions", this::chatCompletions);
        router.get("/v1/models", this::models);
        router.get("/models", this::models);
        router.get("/healthz", call -> call.json(Json.bytes(Json.object().put("status", "ok"))));
        if (extraRoutes != null) extraRoutes.accept(router);
        this.http = new HttpServer(router, maxBodyBytes, idleTimeoutMs, shutdownGraceMs, HttpServer.MAX_CONNECTIONS);
    }

    public GatewayServer start(String host, int port) {
        http.start(host, port);
        return this;
    }

    public int port() { return http.port(); }

    @Override
    public void close() {
        http.close();
    }

    private void chatCompletions(HttpCall call) {
        long start = nanoTime.getAsLong();
        byte[] body = call.body();
        ChatRequest request = ChatRequest.parse(body);
        Instant now = clock.instant();
        Exchange ex = Exchange.create(requestId(now), now, start, request, call.headers(), null);
        String id = ex.id();
        call.header("x-request-id", id);
        if (!request.stream()) {
            Reply reply = pipeline.execute(ex);
            ex.responseHeaders().forEach(call::header);
            call.status(200).json(reply.response().bytes());
            return;
        }
        SseSink sink = new SseSink(call, ex.responseHeaders(), request.includeUsage());
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

    /**
     * A request id: the time in milliseconds, then 64 random bits (unique, not secret: no need for
     * SecureRandom on every request). Ids that grow with time keep the ledger's primary-key index
     * appending at its end, instead of touching a random page of it for every row.
     */
    static String requestId(Instant now) {
        return "req_" + HEX.toHexDigits(now.toEpochMilli()) + HEX.toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private void models(HttpCall call) {
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
        call.json(Json.bytes(root));
    }
}
