package dev.tokenwise.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.config.ConfigException;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RoutingStageTest {
    private static final GatewayConfig BASE = GatewayConfig.embeddedDefault();

    private static RoutingConfig routing(String router, List<String> pinned, List<RoutingConfig.Route> routes) {
        return new RoutingConfig(true, router, 0.95, null, null, Map.of("small", "gpt-4o-mini", "mid", "llama-3-70b"), pinned, routes);
    }

    private static String body(String model, String prompt) {
        ObjectNode b = Json.object();
        b.put("model", model);
        b.putArray("messages").addObject().put("role", "user").put("content", prompt);
        return Json.write(b);
    }

    /** A terminal stage answering with a scripted text per model, recording one call. */
    private static Stage answers(Function<String, String> textByModel) {
        return (ex, next) -> {
            String model = ex.request().model();
            Usage u = Usage.counted(20, 10);
            ChatResponse r = ChatResponse.of("id-" + model, model, 0, textByModel.apply(model), "stop", u);
            return Reply.fromProvider(r, new UpstreamCall(model, "mock", u, 1000));
        };
    }

    private static Reply run(RoutingConfig rc, Stage terminal, String model, String prompt, Map<String, String> headers) {
        Pipeline p = new Pipeline(List.of(RoutingStage.create(rc, BASE.models()), terminal));
        Exchange ex = Exchange.create("t1", Instant.EPOCH, 0, ChatRequest.parse(body(model, prompt).getBytes()), headers, null);
        return p.execute(ex);
    }

    @Test
    void an_faq_question_for_the_large_model_is_served_by_the_small_one_and_says_so() {
        try (TestGateway gw = TestGateway.start(BASE.withRouting(routing("rules", List.of(), List.of())))) {
            HttpResponse<String> res = gw.post("/chat/completions", body("gpt-4o", "What are your business hours?"));
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("x-tokenwise-served-model")).hasValue("gpt-4o-mini");
            JsonNode r = Json.parse(res.body());
            assertThat(r.path("model").asText()).isEqualTo("gpt-4o-mini");
        }
    }

    @Test
    void the_route_off_header_bypasses_routing() {
        try (TestGateway gw = TestGateway.start(BASE.withRouting(routing("rules", List.of(), List.of())))) {
            HttpResponse<String> res = gw.post("/chat/completions", body("gpt-4o", "What are your business hours?"),
                    Map.of("x-tokenwise-route", "off"));
            assertThat(res.headers().firstValue("x-tokenwise-served-model")).hasValue("gpt-4o");
            assertThat(Json.parse(res.body()).path("model").asText()).isEqualTo("gpt-4o");
        }
    }

    @Test
    void a_pinned_model_is_never_routed() {
        Reply r = run(routing("rules", List.of("gpt-4o"), List.of()), answers(m -> "ok."), "gpt-4o",
                "What are your business hours?", Map.of());
        assertThat(r.servedModel()).isEqualTo("gpt-4o");
        assertThat(r.applied()).isEmpty();
    }

    @Test
    void a_routed_request_records_the_routing_it_applied() {
        Reply r = run(routing("rules", List.of(), List.of()), answers(m -> "ok."), "gpt-4o", "Draft a short thank-you email", Map.of());
        assertThat(r.servedModel()).isEqualTo("llama-3-70b");
        assertThat(r.applied()).containsExactly(new Applied(Applied.ROUTING, "gpt-4o -> llama-3-70b (rules)"));
    }

    @Test
    void routing_never_moves_a_request_to_a_more_expensive_tier() {
        Reply r = run(routing("rules", List.of(), List.of()), answers(m -> "ok."), "gpt-4o-mini",
                "Prove that there are infinitely many primes, step by step", Map.of());
        assertThat(r.servedModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void routes_pick_the_router_per_feature_tag() {
        RoutingConfig rc = routing("off", List.of(), List.of(new RoutingConfig.Route("faq", null, "rules", null)));
        Reply tagged = run(rc, answers(m -> "ok."), "gpt-4o", "What are your business hours?", Map.of("x-tokenwise-feature", "faq"));
        Reply untagged = run(rc, answers(m -> "ok."), "gpt-4o", "What are your business hours?", Map.of());
        assertThat(tagged.servedModel()).isEqualTo("gpt-4o-mini");
        assertThat(untagged.servedModel()).isEqualTo("gpt-4o");
    }

    @Test
    void the_learned_router_keeps_a_hard_question_on_the_strong_model_and_sends_an_easy_one_down() {
        // at 0.95 the calibrated margin keeps about three quarters of MMLU-like prompts on the strong model
        RoutingConfig rc = new RoutingConfig(true, "learned", 0.9, null, null, Map.of("small", "gpt-4o-mini"), List.of(), List.of());
        Reply easy = run(rc, answers(m -> "ok."), "gpt-4o", "Which company makes the iPhone?\nA. Apple\nB. Nokia\nC. Sony\nD. LG\nAnswer:", Map.of());
        Reply hard = run(rc, answers(m -> "ok."), "gpt-4o", "Scenario 1 | I took my neighbour's mail. Scenario 2 | I helped an old man."
                + "\nA. Wrong, Wrong\nB. Wrong, Not wrong\nC. Not wrong, Wrong\nD. Not wrong, Not wrong\nAnswer:", Map.of());
        assertThat(easy.servedModel()).isEqualTo("gpt-4o-mini");
        assertThat(hard.servedModel()).isEqualTo("gpt-4o");
    }

    @Test
    void an_escalated_cascade_reply_carries_both_calls_so_both_are_paid_for() {
        Reply r = run(routing("cascade", List.of(), List.of()), answers(m -> m.equals("gpt-4o-mini")
                ? " Wendi gives 15 + 25 = <<15+2" : "She needs 60 - 40 = 20 cups.\n#### 20"), "gpt-4o",
                "Wendi feeds 20 chickens 3 cups each per day: 15 cups in the morning, 25 in the afternoon. How many in the evening?", Map.of());
        assertThat(r.calls()).extracting(UpstreamCall::model).containsExactly("gpt-4o-mini", "gpt-4o");
        assertThat(r.servedModel()).isEqualTo("gpt-4o");
        assertThat(r.response().text()).contains("#### 20");
        assertThat(r.applied()).singleElement().satisfies(a -> {
            assertThat(a.strategy()).isEqualTo(Applied.CASCADE);
            assertThat(a.detail()).contains("escalated");
        });
    }

    @Test
    void an_accepted_cascade_answer_costs_one_small_call() {
        Reply r = run(routing("cascade", List.of(), List.of()), answers(m -> m.equals("gpt-4o-mini")
                ? "James runs 3 sprints, 60 meters each: 3 x 60 = <<3*60=180>>180 meters.\n3 times a week: 180 x 3 = <<180*3=540>>540 meters.\n#### 540"
                : "#### 540"), "gpt-4o",
                "James decides to run 3 sprints 3 times a week. He runs 60 meters each sprint. How many total meters does he run a week?", Map.of());
        assertThat(r.calls()).extracting(UpstreamCall::model).containsExactly("gpt-4o-mini");
        assertThat(r.applied()).singleElement().satisfies(a -> assertThat(a.detail()).contains("accepted"));
    }

    @Test
    void an_escalated_cascade_is_billed_for_both_calls_end_to_end() {
        try (TestGateway gw = TestGateway.start(BASE.withRouting(routing("cascade", List.of(), List.of())))) {
            String b = body("gpt-4o", "A farmer has 12 cows and buys 7 more. How many cows does he have?");
            HttpResponse<String> cascaded = gw.post("/chat/completions", b);
            HttpResponse<String> direct = gw.post("/chat/completions", b, Map.of("x-tokenwise-route", "off"));
            assertThat(cascaded.statusCode()).isEqualTo(200);
            // the mock small model answers without any number, so the scorer escalates
            assertThat(cascaded.headers().firstValue("x-tokenwise-served-model")).hasValue("gpt-4o");
            double both = Double.parseDouble(cascaded.headers().firstValue("x-tokenwise-cost-usd").orElseThrow());
            double strongOnly = Double.parseDouble(direct.headers().firstValue("x-tokenwise-cost-usd").orElseThrow());
            assertThat(both).isGreaterThan(strongOnly);
        }
    }

    @Test
    void a_failing_small_model_in_a_cascade_escalates_instead_of_failing_the_request() {
        Stage terminal = (ex, next) -> {
            if (ex.request().model().equals("gpt-4o-mini")) {
                throw dev.tokenwise.core.error.GatewayException.upstream("mock", "upstream returned 500", null);
            }
            return answers(m -> "#### 4").handle(ex, next);
        };
        Reply r = run(routing("cascade", List.of(), List.of()), terminal, "gpt-4o", "What is 2 + 2?", Map.of());
        assertThat(r.servedModel()).isEqualTo("gpt-4o");
        assertThat(r.calls()).extracting(UpstreamCall::model).containsExactly("gpt-4o");
        assertThat(r.applied()).singleElement().satisfies(a -> assertThat(a.detail()).contains("small model failed"));
    }

    @Test
    void a_routing_section_with_unknown_models_is_rejected_at_load_naming_the_keys() {
        String yaml = """
                models:
                  gpt-4o: {provider: mock, tier: large}
                routing:
                  enabled: true
                  router: smart
                  tiers: {small: gpt-4o-mini}
                  pinned_models: [claude-9]
                  routes:
                    - {feature: faq, router: rules, quality_target: 1.5}
                """;
        ConfigLoader loader = new ConfigLoader(k -> null);
        assertThatThrownBy(() -> loader.validate(loader.parse(yaml))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routing.router: 'smart'")
                .hasMessageContaining("routing.tiers.small: model 'gpt-4o-mini'")
                .hasMessageContaining("routing.pinned_models[0]")
                .hasMessageContaining("routing.routes[0].quality_target");
    }

    @Test
    void a_valid_routing_section_parses_from_yaml() {
        String yaml = """
                models:
                  gpt-4o: {provider: mock, tier: large}
                  gpt-4o-mini: {provider: mock, tier: small}
                routing:
                  enabled: true
                  router: learned
                  quality_target: 0.9
                  routes:
                    - {feature: math, model: gpt-4o, router: cascade}
                """;
        ConfigLoader loader = new ConfigLoader(k -> null);
        RoutingConfig rc = loader.validate(loader.parse(yaml)).routing();
        assertThat(rc.enabled()).isTrue();
        assertThat(rc.qualityTarget()).isEqualTo(0.9);
        assertThat(rc.routes()).containsExactly(new RoutingConfig.Route("math", "gpt-4o", "cascade", null));
    }
}
