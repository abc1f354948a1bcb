package dev.tokenwise.gateway.context;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tokenwise.core.context.ExtractiveSummarizer;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.provider.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the summary that replaces trimmed turns. A summary has two parts: a short abstract by the
 * configured summariser model (the small tier), and the fact sentences of the dropped turns quoted
 * word for word ({@link ExtractiveSummarizer}), so names, numbers and constraints survive even when
 * the abstract drops them. Summaries are cached per hash of the dropped prefix, so the same history
 * is never summarised twice; a cache hit costs nothing.
 */
public final class Summariser {
    private static final Logger LOG = LoggerFactory.getLogger(Summariser.class);
    static final String PROMPT = "Summarise the earlier part of a conversation for the assistant who continues it. "
            + "Keep every name, number, date, preference and constraint the user stated. Write at most %d words, no preamble.";

    /** A summary and the upstream call that produced it (null when cached or extractive only). */
    public record Summary(String text, UpstreamCall call) {}

    private final ModelRegistry registry;
    private final String model;
    private final LongSupplier nanoTime;
    private final Cache<String, String> cache;

    /** @param model configured summariser model, or null for extractive summaries only */
    public Summariser(ModelRegistry registry, String model, LongSupplier nanoTime) {
        this.registry = registry;
        this.model = model;
        this.nanoTime = nanoTime;
        this.cache = Caffeine.newBuilder().maximumSize(20_000).expireAfterAccess(Duration.ofHours(6)).build();
    }

    public Summary summarise(List<Message> dropped, int maxTokens, TokenCounter counter) {
        String key = key(dropped, maxTokens);
        String cached = cache.getIfPresent(key);
        if (cached != null) return new Summary(cached, null);
        // The header takes about 20 tokens; the abstract gets a third of the rest, the quoted facts the remainder.
        int room = Math.max(0, maxTokens - 20);
        int factTokens = model == null ? room : room - room / 3;
        String facts = ExtractiveSummarizer.summarise(dropped, factTokens, counter);
        String abstractText = null;
        UpstreamCall call = null;
        if (model != null) {
            ModelRegistry.Binding b = registry.resolve(model);
            ChatRequest req = request(dropped, Math.max(16, room / 3));
            long start = nanoTime.getAsLong();
            try {
                ChatResponse r = b.provider().complete(req, b.model());
                Usage u = r.usage() != null ? r.usage() : Usage.ZERO;
                call = new UpstreamCall(model, b.provider().name(), u, nanoTime.getAsLong() - start);
                abstractText = r.text().strip();
            } catch (GatewayException e) {
                LOG.warn("summariser model {} failed ({}); using the quoted facts only", model, e.getMessage());
            }
        }
        if (abstractText != null) abstractText = fit(abstractText, room - counter.count(facts), counter);
        StringBuilder sb = new StringBuilder("Summary of ").append(dropped.size())
                .append(" earlier messages of this conversation (condensed by tokenwise).");
        if (abstractText != null && !abstractText.isEmpty()) sb.append('\n').append(abstractText);
        if (!facts.isEmpty()) sb.append("\nFacts stated earlier, quoted:\n").append(facts);
        String text = sb.toString();
        cache.put(key, text);
        return new Summary(text, call);
    }

    /** The text cut at a word boundary to at most {@code tokens} tokens. */
    static String fit(String text, int tokens, TokenCounter counter) {
        if (tokens <= 0) return "";
        String t = text;
        while (!t.isEmpty() && counter.count(t) > tokens) {
            int cut = t.lastIndexOf(' ');
            t = cut < 0 ? "" : t.substring(0, cut);
        }
        return t;
    }

    ChatRequest request(List<Message> dropped, int maxTokens) {
        StringBuilder transcript = new StringBuilder();
        for (Message m : dropped) {
            if (m.hasToolCalls()) transcript.append(m.role()).append(" (tool call): ").append(m.raw().get("tool_calls")).append('\n');
            else transcript.append(m.role()).append(": ").append(m.text()).append('\n');
        }
        var body = Json.object();
        body.put("model", model);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        var msgs = body.putArray("messages");
        msgs.addObject().put("role", "system").put("content", PROMPT.formatted(Math.max(10, maxTokens * 3 / 4)));
        msgs.addObject().put("role", "user").put("content", transcript.toString());
        return new ChatRequest(body);
    }

    private String key(List<Message> dropped, int maxTokens) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((model + "\u0000" + maxTokens + "\u0000").getBytes(StandardCharsets.UTF_8));
            for (Message m : dropped) d.update((Json.write(m.raw()) + "\u0001").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
