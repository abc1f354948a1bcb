package dev.tokenwise.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

/**
 * A scripted OpenAI-compatible upstream on a free loopback port, with fault modes: 429 with
 * Retry-After, 500, hang, disconnect in the middle of a stream, truncated stream. Scripted
 * responses are served in order; with none left it answers any chat request like a real server
 * (any model name, streaming when asked, a usage chunk when {@code include_usage} is set; on a
 * path ending in {@code /messages} it answers in Anthropic's Messages API shape instead).
 * Every request is recorded for assertions.
 */
public final class FakeUpstream implements AutoCloseable {
    public static final String ANSWER = "Hello from the fake upstream, nice to meet you.";

    private final MockWebServer server = new MockWebServer();
    private final Queue<MockResponse> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger served = new AtomicInteger();

    private FakeUpstream() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                served.incrementAndGet();
                MockResponse next = script.poll();
                return next != null ? next : autoAnswer(request);
            }
        });
        try {
            server.start(java.net.InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FakeUpstream start() {
        return new FakeUpstream();
    }

    /** The OpenAI-style base URL, e.g. http://127.0.0.1:PORT/v1 */
    public String baseUrl() {
        String u = server.url("/v1").toString();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** The server root without /v1 (for Anthropic-style base URLs). */
    public String rootUrl() {
        String u = server.url("/").toString();
        return u.substring(0, u.length() - 1);
    }

    public FakeUpstream enqueue(MockResponse r) {
        script.add(r);
        return this;
    }

    /** A non-streaming chat completion with this JSON body. */
    public FakeUpstream json(String body) {
        return enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(body));
    }

    /** A raw server-sent-events body, sent as it is. */
    public FakeUpstream sse(String body) {
        return enqueue(new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(body));
    }

    public FakeUpstream status(int code, String jsonBody) {
        return enqueue(new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(jsonBody));
    }

    /** 429 with {@code Retry-After: seconds}, in OpenAI's error shape. */
    public FakeUpstream rateLimited(int retryAfterSeconds) {
        return enqueue(new MockResponse().setResponseCode(429).setHeader("Content-Type", "application/json")
                .setHeader("Retry-After", Integer.toString(retryAfterSeconds))
                .setBody("{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}"));
    }

    public FakeUpstream serverError() {
        return status(500, "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
    }

    /** Accepts the request and never answers. */
    public FakeUpstream hang() {
        return enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    }

    /** Starts a stream, then drops the connection half way through the body. */
    public FakeUpstream disconnectMidStream() {
        return enqueue(new MockResponse().setHeader("Content-Type", "text/event-stream")
                .setBody(sseBody("fake-model", words(ANSWER), false))
                .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
    }

    /** A stream that ends cleanly at the HTTP level but has neither finish_reason nor [DONE]. */
    public FakeUpstream truncatedStream() {
        List<String> pieces = words(ANSWER);
        StringBuilder sb = new StringBuilder();
        sb.append("data: ").append(Json.write(chunk("fake-model", role()))).append("\n\n");
        for (String p : pieces.subList(0, 3)) sb.append("data: ").append(Json.write(chunk("fake-model", content(p)))).append("\n\n");
        return sse(sb.toString());
    }

    public RecordedRequest takeRequest() {
        try {
            RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
            if (r == null) throw new AssertionError("the fake upstream received no request");
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode takeRequestJson() {
        return Json.parse(takeRequest().getBody().readUtf8());
    }

    public int requestCount() { return served.get(); }

    private static MockResponse autoAnswer(RecordedRequest request) {
        JsonNode body;
        try {
            body = Json.parse(request.getBody().clone().readUtf8());
        } catch (RuntimeException e) {
            return new MockResponse().setResponseCode(400).setBody("{\"error\":{\"message\":\"bad json\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        }
        String model = body.path("model").asText("fake-model");
        if (request.getPath() != null && request.getPath().endsWith("/messages")) return anthropicAnswer(model, body);
        if (body.path("stream").asBoolean(false)) {
            boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
            return new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(sseBody(model, words(ANSWER), usage));
        }
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(Json.write(completion(model, ANSWER)));
    }

    /** Answers a Messages API request (Anthropic's shape), streaming when asked. */
    private static MockResponse anthropicAnswer(String model, JsonNode body) {
        if (!body.path("messages").isArray() || !body.path("max_tokens").isIntegralNumber()) {
            return new MockResponse().setResponseCode(400).setHeader("Content-Type", "application/json")
                    .setBody("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"messages and max_tokens are required\"}}");
        }
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode m = Json.object();
            m.put("id", "msg_fake");
            m.put("type", "message");
            m.put("role", "assistant");
            m.put("model", model);
            m.putArray("content").addObject().put("type", "text").put("text", ANSWER);
            m.put("stop_reason", "end_turn");
            m.putNull("stop_sequence");
            m.putObject("usage").put("input_tokens", 20).put("cache_creation_input_tokens", 0)
                    .put("cache_read_input_tokens", 0).put("output_tokens", 12);
            return new MockResponse().setHeader("Content-Type", "application/json").setBody(Json.write(m));
        }
        StringBuilder sb = new StringBuilder();
        java.util.function.BiConsumer<String, String> ev = (name, data) ->
                sb.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
        ev.accept("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_fake\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + Json.write(com.fasterxml.jackson.databind.node.TextNode.valueOf(model))
                + ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}");
        ev.accept("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        ev.accept("ping", "{\"type\":\"ping\"}");
        for (String w : words(ANSWER)) {
            ObjectNode d = Json.object();
            d.put("type", "content_block_delta");
            d.put("index", 0);
            d.putObject("delta").put("type", "text_delta").put("text", w);
            ev.accept("content_block_delta", Json.write(d));
        }
        ev.accept("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        ev.accept("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}");
        ev.accept("message_stop", "{\"type\":\"message_stop\"}");
        return new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(sb.toString());
    }

    /** A chat completion in OpenAI's exact shape, with cached prompt tokens in the usage. */
    public static ObjectNode completion(String model, String text) {
        ObjectNode b = Json.object();
        b.put("id", "chatcmpl-fake123");
        b.put("object", "chat.completion");
        b.put("created", 1_700_000_000L);
        b.put("model", model);
        ObjectNode c = b.putArray("choices").addObject();
        c.put("index", 0);
        ObjectNode m = c.putObject("message");
        m.put("role", "assistant");
        m.put("content", text);
        m.putNull("refusal");
        m.putArray("annotations");
        c.putNull("logprobs");
        c.put("finish_reason", "stop");
        b.set("usage", usage());
        b.put("service_tier", "default");
        b.put("system_fingerprint", "fp_fake");
        return b;
    }

    private static ObjectNode usage() {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", 1200);
        u.put("completion_tokens", 12);
        u.put("total_tokens", 1212);
        u.putObject("prompt_tokens_details").put("cached_tokens", 1024).put("audio_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return u;
    }

    /** An OpenAI SSE body: role chunk, content chunks, finish chunk, usage chunk when asked, [DONE]. */
    public static String sseBody(String model, List<String> pieces, boolean includeUsage) {
        StringBuilder sb = new StringBuilder();
        List<ObjectNode> chunks = new ArrayList<>();
        chunks.add(chunk(model, role()));
        for (String p : pieces) chunks.add(chunk(model, content(p)));
        ObjectNode fin = chunk(model, Json.object());
        ((ObjectNode) fin.get("choices").get(0)).put("finish_reason", "stop");
        chunks.add(fin);
        for (ObjectNode c : chunks) {
            if (includeUsage) c.putNull("usage");
            sb.append("data: ").append(Json.write(c)).append("\n\n");
        }
        if (includeUsage) {
            ObjectNode u = chunk(model, null);
            u.set("usage", usage());
            sb.append("data: ").append(Json.write(u)).append("\n\n");
        }
        sb.append("data: [DONE]\n\n");
        return sb.toString();
    }

    private static ObjectNode role() {
        return Json.object().put("role", "assistant").put("content", "").putNull("refusal");
    }

    private static ObjectNode content(String text) {
        return Json.object().put("content", text);
    }

    private static ObjectNode chunk(String model, ObjectNode delta) {
        ObjectNode c = Json.object();
        c.put("id", "chatcmpl-fake123");
        c.put("object", "chat.completion.chunk");
        c.put("created", 1_700_000_000L);
        c.put("model", model);
        c.put("service_tier", "default");
        c.put("system_fingerprint", "fp_fake");
        ArrayNode choices = c.putArray("choices");
        if (delta != null) {
            ObjectNode ch = choices.addObject();
            ch.put("index", 0);
            ch.set("delta", delta);
            ch.putNull("logprobs");
            ch.putNull("finish_reason");
        }
        return c;
    }

    public static List<String> words(String text) {
        return dev.tokenwise.core.wire.Chunks.splitWords(text);
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } catch (IOException ignored) {
            // best effort in tests
        }
    }
}
