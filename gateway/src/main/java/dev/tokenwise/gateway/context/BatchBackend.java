package dev.tokenwise.gateway.context;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.gateway.provider.ModelRegistry;
import java.util.List;
import java.util.Map;

/**
 * One provider's batch API behind one small interface: submit a list of chat requests for one
 * model, poll, read the results. One implementation per provider API (OpenAI Batch, Anthropic
 * Message Batches) plus a local executor for models without a batch API (the mock).
 */
interface BatchBackend {
    /** One request in a batch: the caller's id for it and the chat request (gateway model name). */
    record Item(String customId, ChatRequest request) {}

    /** Where a submitted batch stands. */
    record Poll(State state, String message) {
        enum State { IN_PROGRESS, COMPLETED, FAILED }
    }

    /** The answer to one item, or why it failed. */
    record Outcome(ChatResponse response, GatewayException error) {}

    /** Submits the items (all for {@code model}) and returns the provider's batch id. */
    String submit(String model, ModelRegistry.Binding binding, List<Item> items);

    Poll poll(ModelRegistry.Binding binding, String remoteId);

    /** Results by custom id; only called once {@link #poll} said COMPLETED. */
    Map<String, Outcome> results(String model, ModelRegistry.Binding binding, String remoteId);

    /** The share of the normal price the provider waives for batched requests (0.5 = half price). */
    double discount(ModelRegistry.Binding binding);
}
