package dev.tokenwise.gateway.context;

import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.mock.MockProvider;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one stage in front of a mock provider and records the request the provider received. */
final class StageHarness {
    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));
    final ModelRegistry registry;
    ChatRequest received;

    StageHarness() {
        Map<String, ModelConfig> models = new LinkedHashMap<>(GatewayConfig.embeddedDefault().models());
        models.put("claude-cached", new ModelConfig("anthropic", "claude-3-5-sonnet", "http://127.0.0.1:1", null, "large", null));
        MockProvider mock = new MockProvider(CLOCK);
        registry = new ModelRegistry(models, Map.of("mock", mock, "anthropic", mock));
    }

    /** Parses and validates a {@code context:} section the way the gateway does at startup. */
    static ContextConfig config(String yaml) {
        ConfigLoader loader = new ConfigLoader(k -> null);
        GatewayConfig c = loader.parse("models:\n  gpt-4o: {provider: mock}\n  gpt-4o-mini: {provider: mock}\n"
                + "  claude-cached: {provider: mock}\n" + yaml);
        return loader.validate(c).context();
    }

    Reply run(Stage stage, ChatRequest request, Map<String, String> headers) {
        Exchange ex = Exchange.create("req_test", CLOCK.instant(), 0, request, headers, null);
        return stage.handle(ex, e -> {
            received = e.request();
            ModelRegistry.Binding b = registry.resolve(e.request().model());
            ChatResponse r = b.provider().complete(e.request(), b.model());
            return Reply.fromProvider(r, new UpstreamCall(e.request().model(), b.model().provider(), r.usage(), 0));
        });
    }

    static ChatRequest request(String model, List<Message> messages) {
        var body = Json.object();
        body.put("model", model);
        var arr = body.putArray("messages");
        for (Message m : messages) arr.add(m.toJson());
        return new ChatRequest(body);
    }

    static Map<String, String> feature(String f) {
        return Map.of("x-tokenwise-feature", f);
    }
}
