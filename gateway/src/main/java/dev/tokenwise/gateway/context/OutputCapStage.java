package dev.tokenwise.gateway.context;

import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Output control: lowers {@code max_tokens} to the route's cap (never raises what the client asked
 * for) and adds the route's concise-answer instruction as a system message right after the leading
 * system prompt, where it is part of the stable, cacheable prefix. Capped answers feed the
 * {@link LengthMonitor}.
 */
public final class OutputCapStage implements Stage {
    private final ContextConfig config;
    private final LengthMonitor monitor;

    public OutputCapStage(ContextConfig config, LengthMonitor monitor) {
        this.config = config;
        this.monitor = monitor;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        ContextConfig.RouteConfig route = config.route(ex.feature(), ex.request().model());
        if (route == null || route.output() == null) return next.proceed(ex);
        ContextConfig.OutputConfig o = route.output();
        ChatRequest req = ex.request();
        List<String> details = new ArrayList<>();
        boolean capped = false;
        if (o.maxTokens() != null && !monitor.capDisabled(route.name())) {
            OptionalLong client = req.maxTokens();
            if (client.isEmpty() || client.getAsLong() > o.maxTokens()) {
                req = req.withMaxTokens(o.maxTokens());
                capped = true;
                details.add("max_tokens " + (client.isEmpty() ? "unset" : client.getAsLong()) + " -> " + o.maxTokens());
            }
        }
        String instruction = o.instruction() != null ? o.instruction()
                : o.taskType() != null ? Instructions.BY_TASK.get(o.taskType()) : null;
        if (instruction != null) {
            req = req.withMessages(insertAfterSystem(req.messages(), instruction));
            details.add("concise instruction" + (o.taskType() != null && o.instruction() == null ? " (" + o.taskType() + ")" : ""));
        }
        if (details.isEmpty()) return next.proceed(ex);
        Reply reply = next.proceed(ex.withRequest(req));
        if (capped) monitor.record(route, "length".equals(reply.response().finishReason()));
        return reply.withApplied(new Applied(Applied.OUTPUT_CAP, String.join(", ", details)));
    }

    static List<Message> insertAfterSystem(List<Message> messages, String instruction) {
        int at = 0;
        while (at < messages.size() && ("system".equals(messages.get(at).role()) || "developer".equals(messages.get(at).role()))) at++;
        List<Message> out = new ArrayList<>(messages);
        out.add(at, Message.of("system", instruction));
        return out;
    }
}
