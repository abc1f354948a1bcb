package dev.tokenwise.gateway.provider.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.Hashing;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Chunks;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.core.wire.StreamAssembler;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.provider.Provider;
import dev.tokenwise.gateway.server.ClientGoneException;
import java.time.InstantSource;
import java.util.List;

/**
 * A deterministic local model: the same prompt always gets the same answer, derived from the
 * prompt, with configurable time to first token, decode speed and length. It serves the embedded
 * default mode, the demo and the benchmarks, with no network and no API key.
 */
public final class MockProvider implements Provider {
    private static final String[] WORDS = ("the a of to and in is for that on with as it by this be are from at or an "
            + "answer customer product order account support team price plan hours service request data value time "
            + "result report model cost user feature help question summary detail example option update policy")
            .split(" ");

    private final InstantSource clock;

    public MockProvider(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public String name() { return "mock"; }

    /** The answer text the mock model gives to a request (before any max_tokens cut). */
    public static String answerFor(ChatRequest request, String model, int answerTokens) {
        List<Message> messages = request.messages();
        String lastUser = "";
        for (Message m : messages) if ("user".equals(m.role())) lastUser = m.text();
        byte[] digest = Hashing.sha256(model + "\n" + canonicalMessages(messages));
        StringBuilder sb = new StringBuilder();
        String topic = lastUser.strip().replaceAll("\\s+", " ");
        if (topic.length() > 80) topic = topic.substring(0, 80);
        sb.append("[").append(model).append("] Re: ").append(topic.isEmpty() ? "(no question)" : topic).append(" —");
        int words = Math.max(1, answerTokens);
        for (int i = 0; i < words; i++) {
            int b = digest[i % digest.length] & 0xff;
            sb.append(' ').append(WORDS[(b + i * 7) % WORDS.length]);
        }
        sb.append('.');
        return sb.toString();
    }

    @Override
    public ChatResponse complete(ChatRequest request, ModelConfig model) {
        fault(model, ChunkSink.NONE);
        Answer a = answer(request, model);
        sleep(model.mock().ttftMs());
        if (model.mock().tokensPerSecond() > 0) sleepNanos(a.tokens.size() * 1_000_000_000L / model.mock().tokensPerSecond());
        return ChatResponse.of(a.id, a.model, a.created, String.join("", a.tokens), a.finishReason, a.usage);
    }

    @Override
    public ChatResponse stream(ChatRequest request, ModelConfig model, ChunkSink sink) {
        fault(model, sink);
        Answer a = answer(request, model);
        boolean truncate = "truncate".equals(model.mock().fault());
        int cut = truncate ? a.tokens.size() / 2 : Integer.MAX_VALUE;
        StreamAssembler asm = new StreamAssembler();
        sleep(model.mock().ttftMs());
        long perToken = model.mock().tokensPerSecond() > 0 ? 1_000_000_000L / model.mock().tokensPerSecond() : 0;
        emit(sink, asm, Chunks.role(a.id, a.model, a.created));
        for (int i = 0; i < a.tokens.size(); i++) {
            String t = a.tokens.get(i);
            if (sink.cancelled()) return asm.toResponse();
            if (i >= cut) {
                // ends the response here, as a crashed upstream would: no finish_reason, no [DONE]
                throw new ClientGoneException(null);
            }
            if (perToken > 0) sleepNanos(perToken);
            emit(sink, asm, Chunks.content(a.id, a.model, a.created, t));
        }
        emit(sink, asm, Chunks.finish(a.id, a.model, a.created, a.finishReason));
        emit(sink, asm, Chunks.usage(a.id, a.model, a.created, a.usage));
        return asm.toResponse();
    }

    /** The configured fault, for manual testing of clients and of a gateway in front of this one. */
    private static void fault(ModelConfig model, ChunkSink sink) {
        switch (model.mock().fault()) {
            case "rate-limit" -> throw GatewayException.builder(429, "Mock fault: rate limit reached, retry after 1 second.")
                    .type("rate_limit_error").code("rate_limit_exceeded").retryable(true).retryAfterMillis(1000).build();
            case "error" -> throw GatewayException.builder(500, "Mock fault: the model server failed.")
                    .type("server_error").code("mock_fault").retryable(true).build();
            case "hang" -> {
                long until = System.nanoTime() + 3_600_000_000_000L;
                while (System.nanoTime() < until && !sink.cancelled() && !Thread.currentThread().isInterrupted()) {
                    sleep(100);
                }
                throw GatewayException.builder(504, "Mock fault: hung for an hour.").type("server_error").code("mock_fault").build();
            }
            default -> { }
        }
    }

    private static void emit(ChunkSink sink, StreamAssembler asm, ObjectNode chunk) {
        asm.accept(chunk);
        sink.send(chunk);
    }

    private record Answer(String id, String model, long created, List<String> tokens, String finishReason, Usage usage) {}

    private Answer answer(ChatRequest request, ModelConfig model) {
        String name = model.upstreamModel() != null ? model.upstreamModel() : request.model();
        TokenCounter counter = TokenCounter.forModel(name);
        String text = answerFor(request, name, model.mock().answerTokens());
        List<String> pieces = Chunks.splitWords(text);
        String finish = "stop";
        long max = request.maxTokens().orElse(Long.MAX_VALUE);
        if (pieces.size() > max) {
            pieces = pieces.subList(0, (int) max);
            finish = "length";
        }
        long completion = counter.count(String.join("", pieces));
        long prompt = counter.countMessages(request.messages());
        String id = "chatcmpl-mock-" + Hashing.sha256Hex(name + request.body()).substring(0, 24);
        return new Answer(id, name, clock.instant().getEpochSecond(), List.copyOf(pieces), finish,
                new Usage(prompt, 0, 0, completion, true));
    }

    private static void sleep(int ms) {
        if (ms > 0) sleepNanos(ms * 1_000_000L);
    }

    private static void sleepNanos(long nanos) {
        if (nanos <= 0) return;
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    /** Canonical text of the messages, so JSON formatting does not change the answer. */
    private static String canonicalMessages(List<Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) sb.append(m.role()).append('\u0000').append(m.text()).append('\u0001');
        return sb.toString();
    }
}
