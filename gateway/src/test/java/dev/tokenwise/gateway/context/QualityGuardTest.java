package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The quality guard: conversations whose last question can only be answered from a fact stated
 * early on (turn 1, or turn 4-5). After trimming, the fact must still reach the model, pinned or
 * quoted in the summary.
 */
class QualityGuardTest {
    record Case(String id, int factTurn, String expect, List<Message> messages) {
        @Override public String toString() { return id; }
    }

    static Stream<Case> cases() throws IOException {
        try (InputStream in = QualityGuardTest.class.getResourceAsStream("/context/early-facts.jsonl")) {
            List<Case> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                JsonNode n = Json.parse(line);
                List<Message> m = new ArrayList<>();
                for (JsonNode x : n.get("messages")) m.add(new Message((ObjectNode) x));
                out.add(new Case(n.get("id").asText(), n.get("fact_turn").asInt(), n.get("expect").asText(), m));
            }
            return out.stream();
        }
    }

    private static final String ROUTE = "    - feature: support\n      trim: {budget_tokens: 600, keep_last_turns: 2, summary_max_tokens: 200%s}\n";

    private static String sent(StageHarness h) {
        return h.received.messages().stream().map(Message::text).collect(Collectors.joining("\n"));
    }

    private static void assertTrimmedAndKept(StageHarness h, Reply r, Case c) {
        TokenCounter counter = TokenCounter.forModel("gpt-4o");
        assertThat(r.applied()).extracting(Applied::strategy).containsExactly(Applied.TRIM);
        assertThat(counter.countMessages(h.received.messages())).isLessThan(counter.countMessages(c.messages()) / 2);
        assertThat(sent(h)).as("fact of %s after trimming", c.id()).contains(c.expect());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void an_early_fact_survives_trimming_with_the_default_pins_and_a_model_summary(Case c) {
        StageHarness h = new StageHarness();
        ContextConfig config = StageHarness.config("context:\n  summariser_model: gpt-4o-mini\n  routes:\n" + ROUTE.formatted(""));
        Reply r = h.run(new TrimStage(config, new Summariser(h.registry, "gpt-4o-mini", System::nanoTime)),
                StageHarness.request("gpt-4o", c.messages()), StageHarness.feature("support"));
        assertTrimmedAndKept(h, r, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void an_early_fact_survives_trimming_without_any_pin_through_the_quoted_facts(Case c) {
        StageHarness h = new StageHarness();
        ContextConfig config = StageHarness.config("context:\n  routes:\n" + ROUTE.formatted(", pin: {first_user_turns: 0, field: false}"));
        Reply r = h.run(new TrimStage(config, new Summariser(h.registry, null, System::nanoTime)),
                StageHarness.request("gpt-4o", c.messages()), StageHarness.feature("support"));
        assertTrimmedAndKept(h, r, c);
        assertThat(h.received.messages().get(1).text()).startsWith("Summary of").contains(c.expect());
    }
}
