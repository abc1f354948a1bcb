package dev.tokenwise.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Chunks;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.StreamAssembler;
import dev.tokenwise.core.wire.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request work tokenwise adds on its hot path, each measured alone: parsing and
 * validating a request, the exact-cache key, counting prompt tokens, pricing a usage, and
 * re-assembling an SSE stream. Ledger appends are measured in {@link LedgerAppendBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HotPathBenchmark {
    byte[] requestBytes;
    ChatRequest request;
    TokenCounter counter;
    PriceCatalog catalog;
    Usage usage;
    List<ObjectNode> chunks;
    byte[][] sseLines;

    @Setup
    public void setup() {
        String body = "{\"model\":\"gpt-4o\",\"temperature\":0,\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful support agent for an online store. Answer briefly.\"},"
                + "{\"role\":\"user\",\"content\":\"What are your business hours on public holidays, and do you ship to Canada?\"}]}";
        requestBytes = body.getBytes(StandardCharsets.UTF_8);
        request = ChatRequest.parse(requestBytes);
        counter = TokenCounter.forModel("gpt-4o");
        catalog = PriceCatalog.bundled();
        usage = new Usage(1200, 512, 0, 180, true);
        ChatResponse r = ChatResponse.of("chatcmpl-1", "gpt-4o", 1, "We are open from nine to five on weekdays and ten to two on public holidays. "
                + "Yes, we ship to Canada; delivery takes five to eight business days.", "stop", Usage.counted(40, 35));
        chunks = Chunks.fromResponse(r);
        sseLines = chunks.stream().map(c -> ("data: " + Json.write(c)).getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    @Benchmark
    public String exactCacheKey() {
        return dev.tokenwise.core.cache.CacheKey.exact("tenant-a", "faq", request);
    }

    @Benchmark
    public ChatRequest parseAndValidateRequest() {
        return ChatRequest.parse(requestBytes);
    }

    @Benchmark
    public int countPromptTokens() {
        return counter.countMessages(request.messages());
    }

    @Benchmark
    public Object priceUsage() {
        return catalog.cost("gpt-4o", usage, 0);
    }

    /** Parsing SSE lines from an upstream and folding them into the full answer. */
    @Benchmark
    public ChatResponse parseSseStream() throws Exception {
        StreamAssembler asm = new StreamAssembler();
        for (byte[] line : sseLines) {
            asm.accept(Json.MAPPER.readTree(line, 6, line.length - 6));
        }
        return asm.toResponse();
    }

    @Benchmark
    public int serialiseChunks() {
        int n = 0;
        for (ObjectNode c : chunks) n += Json.bytes(c).length;
        return n;
    }
}
