package dev.tokenwise.gateway.provider.replay;

import dev.tokenwise.core.Hashing;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
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
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers with responses a real model gave, recorded in a dataset keyed by prompt: end-to-end
 * evaluation on real outputs with no API calls. The key is the last user message (whitespace
 * normalised); a prompt that is not in the recording is a clear 404, never an invented answer.
 */
public final class ReplayProvider implements Provider {
    static final String NAME = "replay";

    private final InstantSource clock;
    private final Map<ModelConfig.ReplayConfig, RecordedAnswers> datasets = new ConcurrentHashMap<>();

    public ReplayProvider(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public String name() { return NAME; }

    /** Loads a model's dataset now (at startup) rather than at its first request. */
    public void preload(ModelConfig model) {
        dataset(model);
    }

    private RecordedAnswers dataset(ModelConfig model) {
        ModelConfig.ReplayConfig r = model.replay();
        if (r == null) {
            throw GatewayException.internal("replay model has no 'replay' section", null);
        }
        return datasets.computeIfAbsent(r, k -> RecordedAnswers.load(Path.of(k.file()), k.column()));
    }

    @Override
    public ChatResponse complete(ChatRequest request, ModelConfig model) {
        RecordedAnswers data = dataset(model);
        List<Message> messages = request.messages();
        String prompt = "";
        for (Message m : messages) if ("user".equals(m.role())) prompt = m.text();
        String key = prompt;
        String answer = data.answer(prompt).orElseThrow(() -> GatewayException.builder(404,
                        "The prompt is not in the recording " + data.file().getFileName() + " (column " + data.column()
                                + "); a replay model only answers recorded prompts. Prompt starts with: \""
                                + abbreviate(RecordedAnswers.normalise(key)) + "\"")
                .type("invalid_request_error").code("prompt_not_recorded").param("messages").provider(NAME).build());
        String name = model.upstreamModelFor(request.model());
        TokenCounter counter = TokenCounter.forModel(name);
        Usage usage = Usage.counted(counter.countMessages(messages), counter.count(answer));
        String id = "chatcmpl-replay-" + Hashing.sha256Hex(name + "\n" + RecordedAnswers.normalise(prompt)).substring(0, 24);
        return ChatResponse.of(id, name, clock.instant().getEpochSecond(), answer, "stop", usage);
    }

    @Override
    public ChatResponse stream(ChatRequest request, ModelConfig model, ChunkSink sink) {
        ChatResponse full = complete(request, model);
        StreamAssembler asm = new StreamAssembler();
        for (ObjectNode c : Chunks.fromResponse(full)) {
            if (sink.cancelled()) return asm.toResponse();
            asm.accept(c);
            sink.send(c);
        }
        return full;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

}
