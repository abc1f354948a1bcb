package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.testing.TestGateway;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContextWiringTest {
    private static final String YAML = """
            context:
              summariser_model: gpt-4o-mini
              routes:
                - feature: support
                  dedup: {}
                  trim: {budget_tokens: 500, keep_last_turns: 2}
                  output: {max_tokens: 200, task_type: support}
                - feature: nightly-wait
                  batch: {deferrable: true, wait_for_result: true, poll_interval_ms: 5}
            """;

    @Test
    void a_configured_route_trims_dedups_and_caps_in_pipeline_order_over_http() {
        GatewayConfig cfg = GatewayConfig.embeddedDefault().withContext(StageHarness.config(YAML));
        try (TestGateway gw = TestGateway.start(cfg)) {
            List<Message> history = TrimStageTest.history(20);
            ChatRequest req = StageHarness.request("gpt-4o", history);
            int before = TokenCounter.forModel("gpt-4o").countMessages(history);

            var r = gw.post("/chat/completions", Json.write(req.body()), Map.of("x-tokenwise-feature", "support"));
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode usage = TestGateway.json(r).path("usage");
            assertThat(usage.path("prompt_tokens").asInt()).isLessThan(before / 2);
            assertThat(Integer.parseInt(r.headers().firstValue(TrimStage.HEADER).orElseThrow())).isGreaterThan(before / 2);

            var untagged = gw.post("/chat/completions", Json.write(req.body()));
            assertThat(TestGateway.json(untagged).at("/usage/prompt_tokens").asInt()).isEqualTo(before);
            assertThat(untagged.headers().firstValue(TrimStage.HEADER)).isEmpty();

            Reply reply = gw.gateway().pipeline().execute(Exchange.create("r", Instant.now(), 0, req,
                    Map.of("x-tokenwise-feature", "support"), null));
            assertThat(reply.applied()).extracting(Applied::strategy).containsExactly(Applied.TRIM, Applied.OUTPUT_CAP);
            assertThat(gw.gateway().context().lengthMonitor().snapshot()).singleElement()
                    .satisfies(s -> assertThat(s.route()).isEqualTo("support/*"));
        }
    }

    @Test
    void a_streamed_request_is_trimmed_and_capped_the_same_way() {
        GatewayConfig cfg = GatewayConfig.embeddedDefault().withContext(StageHarness.config(YAML));
        try (TestGateway gw = TestGateway.start(cfg)) {
            var body = StageHarness.request("gpt-4o", TrimStageTest.history(20)).toJson();
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
            var r = gw.post("/chat/completions", Json.write(body), Map.of("x-tokenwise-feature", "support"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue(TrimStage.HEADER)).isPresent();
            int before = TokenCounter.forModel("gpt-4o").countMessages(TrimStageTest.history(20));
            String usageLine = r.body().lines().filter(l -> l.contains("\"usage\":{")).reduce((a, b) -> b).orElseThrow();
            JsonNode usage = Json.parse(usageLine.substring("data: ".length())).path("usage");
            assertThat(usage.path("prompt_tokens").asInt()).isLessThan(before / 2);
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void without_a_context_section_no_context_stage_but_the_batch_guard_is_in_the_pipeline() {
        try (TestGateway gw = TestGateway.embedded()) {
            List<String> names = gw.gateway().pipeline().stages().stream().map(s -> s.getClass().getSimpleName()).toList();
            assertThat(names).endsWith("BatchStage", "ResilienceStage", "ProviderStage")
                    .doesNotContain("DedupStage", "TrimStage", "OutputCapStage", "PromptCacheStage");
        }
    }

    @Test
    void trimmed_requests_and_finished_batch_jobs_reach_the_ledger_with_their_saving() throws Exception {
        GatewayConfig cfg = GatewayConfig.embeddedDefault().withContext(StageHarness.config(YAML));
        try (TestGateway gw = TestGateway.start(cfg)) {
            ChatRequest req = StageHarness.request("gpt-4o", TrimStageTest.history(20));
            var r = gw.post("/chat/completions", Json.write(req.body()), Map.of("x-tokenwise-feature", "support"));
            assertThat(Double.parseDouble(r.headers().firstValue("x-tokenwise-saved-usd").orElseThrow())).isPositive();

            JsonNode job = TestGateway.json(gw.post("/tokenwise/batches",
                    "{\"requests\":[{\"custom_id\":\"n1\",\"body\":" + TestGateway.chat("gpt-4o", "nightly report", false) + "}]}",
                    Map.of("x-tokenwise-feature", "nightly")));
            String id = job.path("id").asText();
            for (int i = 0; i < 100 && !TestGateway.json(gw.get("/tokenwise/batches/" + id)).path("status").asText().equals("completed"); i++) {
                Thread.sleep(20);
            }
            assertThat(gw.post("/chat/completions", TestGateway.chat("gpt-4o", "nightly digest", false),
                    Map.of("x-tokenwise-feature", "nightly-wait")).statusCode()).isEqualTo(200);
            gw.gateway().ledger().flush();
            var records = gw.gateway().ledgerQuery().recent(10, dev.tokenwise.gateway.ledger.LedgerQuery.Filter.ALL);
            assertThat(records).anySatisfy(x -> {
                assertThat(x.feature()).isEqualTo("support");
                assertThat(x.strategy()).contains("trim");
                assertThat(x.savedUsd()).isPositive();
            });
            assertThat(records).anySatisfy(x -> {
                assertThat(x.id()).isEqualTo(id + "/n1");
                assertThat(x.feature()).isEqualTo("nightly");
                assertThat(x.strategy()).isEqualTo("batch");
                assertThat(x.costUsd().multiply(java.math.BigDecimal.valueOf(2))).isEqualByComparingTo(x.baselineUsd());
            });
            // a waiting deferrable request is recorded once, by the pipeline, not again as a job
            assertThat(records).filteredOn(x -> x.feature().equals("nightly-wait")).singleElement()
                    .satisfies(x -> assertThat(x.strategy()).isEqualTo("batch"));
        }
    }
}
