package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tokenwise.core.context.HistoryTrimmer;
import dev.tokenwise.core.context.TrimPlan;
import dev.tokenwise.core.context.TrimPolicy;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * Trims long conversation histories to the route's token budget: older turns are replaced by one
 * summary message (see {@link Summariser}); the system prompt, pinned messages and the last turns
 * stay. The summariser's call, when one was made, is part of the reply's cost.
 */
public final class TrimStage implements Stage {
    /** Response header with the prompt tokens trimming removed from the request. */
    public static final String HEADER = "x-tokenwise-trimmed-tokens";
    private final ContextConfig config;
    private final Summariser summariser;
    /** Token counts of messages already seen: a conversation resends its earlier turns every turn. */
    private final Cache<String, Integer> counts = Caffeine.newBuilder()
            .maximumWeight(64L << 20).weigher((String k, Integer v) -> k.length() + 32).build();

    public TrimStage(ContextConfig config, Summariser summariser) {
        this.config = config;
        this.summariser = summariser;
    }

    private int tokens(Message m, TokenCounter counter) {
        String toolCalls = m.hasToolCalls() ? m.raw().get("tool_calls").toString() : "";
        String name = m.raw().has("name") ? "n:" + m.raw().path("name").asText("") : "";
        String key = counter.encodingName() + '\u0000' + m.role() + '\u0000' + name + '\u0000' + toolCalls + '\u0000' + m.text();
        return counts.get(key, k -> HistoryTrimmer.messageTokens(m, counter));
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        ContextConfig.RouteConfig route = config.route(ex.feature(), ex.request().model());
        if (route == null || route.trim() == null) return next.proceed(ex);
        ContextConfig.TrimConfig t = route.trim();
        ContextConfig.PinConfig p = t.pin();
        TrimPolicy policy = t.policy();
        TokenCounter counter = TokenCounter.forModel(ex.request().model());
        List<Message> messages = ex.request().messages();
        TrimPlan plan = HistoryTrimmer.plan(messages, policy, m -> tokens(m, counter));
        if (!plan.trimmed()) return next.proceed(p.field() ? withoutPinFields(ex, messages) : ex);

        Summariser.Summary summary = summariser.summarise(plan.dropped(), t.summaryMaxTokens(), counter);
        Message summaryMessage = Message.of("system", summary.text());
        List<Message> trimmed = plan.withSummary(summaryMessage);
        if (p.field()) trimmed = stripPins(trimmed);
        int removed = plan.tokensBefore() - plan.tokensKept()
                - (counter.countMessages(List.of(summaryMessage)) - TokenCounter.REPLY_PRIMING);
        if (removed <= 0) {
            Reply reply = next.proceed(p.field() ? withoutPinFields(ex, messages) : ex);
            return summary.call() == null ? reply : reply.withEarlierCalls(List.of(summary.call()));
        }
        // set before the call, so a stream carries it too: tells the client its history was condensed
        ex.responseHeaders().put(HEADER, Integer.toString(removed));
        Reply reply = next.proceed(ex.withRequest(ex.request().withMessages(trimmed)));
        if (summary.call() != null) reply = reply.withEarlierCalls(List.of(summary.call()));
        return reply.withApplied(new Applied(Applied.TRIM, "removed " + removed + " tokens ("
                + plan.dropped().size() + " messages summarised" + (summary.call() == null ? ", summary cached or extractive" : "") + ")"));
    }

    private static Exchange withoutPinFields(Exchange ex, List<Message> messages) {
        boolean any = messages.stream().anyMatch(m -> m.raw().has("pin"));
        if (!any) return ex;
        ChatRequest r = ex.request().withMessages(stripPins(messages));
        return ex.withRequest(r);
    }

    /** Upstream APIs do not know the {@code pin} field; it is tokenwise's own. */
    static List<Message> stripPins(List<Message> messages) {
        List<Message> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            if (m.raw().has("pin")) {
                ObjectNode n = m.toJson();
                n.remove("pin");
                out.add(new Message(n));
            } else {
                out.add(m);
            }
        }
        return out;
    }
}
