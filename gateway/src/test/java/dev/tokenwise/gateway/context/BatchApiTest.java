package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.ledger.LedgerQuery;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BatchApiTest {
    private static GatewayConfig config(String contextYaml) {
        GatewayConfig base = GatewayConfig.embeddedDefault();
        Map<String, ModelConfig> models = new LinkedHashMap<>(base.models());
        models.put("slow-mock", ModelConfig.mock("small", new ModelConfig.MockConfig(400, 0, 10)));
        GatewayConfig withModels = new GatewayConfig(base.server(), models);
        return withModels.withContext(StageHarness.config(contextYaml));
    }

    private static JsonNode waitDone(TestGateway gw, String id) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            JsonNode s = TestGateway.json(gw.get("/tokenwise/batches/" + id));
            if (!s.path("status").asText().equals("in_progress")) return s;
            Thread.sleep(50);
        }
        throw new AssertionError("batch " + id + " did not finish");
    }

    @Test
    void a_batch_job_is_submitted_polled_and_answered_at_the_batch_price() throws Exception {
        try (TestGateway gw = TestGateway.start(config(""))) {
            String body = """
                    {"requests": [
                      {"custom_id": "a", "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Tag this review: great shoes"}]}},
                      {"custom_id": "b", "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Tag this review: late delivery"}]}},
                      {"custom_id": "c", "body": {"model": "llama-3-8b", "messages": [{"role": "user", "content": "Tag this review: fine"}]}}
                    ]}""";
            HttpResponse<String> submitted = gw.post("/tokenwise/batches", body);
            assertThat(submitted.statusCode()).isEqualTo(200);
            JsonNode job = TestGateway.json(submitted);
            assertThat(job.path("id").asText()).startsWith("batch_");
            assertThat(job.path("request_counts").path("total").asInt()).isEqualTo(3);
            assertThat(job.path("provider_batches")).hasSize(2);

            JsonNode done = waitDone(gw, job.path("id").asText());
            assertThat(done.path("status").asText()).isEqualTo("completed");
            assertThat(done.path("request_counts").path("completed").asInt()).isEqualTo(3);

            JsonNode results = TestGateway.json(gw.get("/tokenwise/batches/" + job.path("id").asText() + "/results"));
            assertThat(results.path("data")).hasSize(3);
            assertThat(results.path("data").get(0).path("custom_id").asText()).isEqualTo("a");
            assertThat(results.path("data").get(0).path("status").asText()).isEqualTo("succeeded");
            assertThat(results.path("data").get(0).at("/response/choices/0/message/content").asText()).contains("great shoes");
            assertThat(results.path("data").get(2).at("/response/model").asText()).isEqualTo("llama-3-8b");
            assertThat(results.path("data").get(0).path("discount").asDouble()).isEqualTo(0.5);
        }
    }

    @Test
    void with_keys_a_batch_job_needs_a_key_and_belongs_to_its_tenant() throws Exception {
        try (TestGateway gw = TestGateway.start(config(""))) {
            KeyStore store = gw.gateway().keys().store();
            KeyStore.Created acmeKey = store.create("acme-app", "acme", null, null);
            Map<String, String> acme = Map.of("Authorization", "Bearer " + acmeKey.secret());
            Map<String, String> acmeOther = Map.of("x-api-key", store.create("acme-ops", "acme", null, null).secret());
            Map<String, String> globex = Map.of("Authorization", "Bearer " + store.create("globex-app", "globex", null, null).secret());
            String body = """
                    {"requests": [{"custom_id": "a", "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Tag: great shoes"}]}}]}""";

            HttpResponse<String> anonymous = gw.post("/tokenwise/batches", body);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(TestGateway.json(anonymous).at("/error/code").asText()).isEqualTo("invalid_api_key");
            assertThat(gw.post("/tokenwise/batches", body, Map.of("Authorization", "Bearer tw-not-a-key")).statusCode()).isEqualTo(401);

            HttpResponse<String> submitted = gw.post("/tokenwise/batches", body, acme);
            assertThat(submitted.statusCode()).isEqualTo(200);
            String id = TestGateway.json(submitted).path("id").asText();

            // another tenant's key, or no key, cannot see the job or its answers
            assertThat(gw.get("/tokenwise/batches/" + id, globex).statusCode()).isEqualTo(404);
            assertThat(gw.get("/tokenwise/batches/" + id + "/results", globex).statusCode()).isEqualTo(404);
            assertThat(gw.get("/tokenwise/batches/" + id).statusCode()).isEqualTo(401);
            assertThat(gw.get("/tokenwise/batches/" + id + "/results").statusCode()).isEqualTo(401);

            // any key of the same tenant can
            JsonNode done = null;
            for (int i = 0; i < 100 && (done == null || done.path("status").asText().equals("in_progress")); i++) {
                if (done != null) Thread.sleep(50);
                done = TestGateway.json(gw.get("/tokenwise/batches/" + id, acmeOther));
            }
            assertThat(done.path("status").asText()).isEqualTo("completed");
            HttpResponse<String> results = gw.get("/tokenwise/batches/" + id + "/results", acme);
            assertThat(results.statusCode()).isEqualTo(200);
            assertThat(TestGateway.json(results).at("/data/0/response/choices/0/message/content").asText()).contains("great shoes");

            // the finished request is charged to the key that submitted the job
            gw.gateway().ledger().flush();
            assertThat(gw.gateway().ledger().store().query().groupBy(LedgerQuery.Dimension.KEY, LedgerQuery.Filter.ALL.withTenant("acme")))
                    .extracting(LedgerQuery.Group::key).containsExactly(acmeKey.key().id());
        }
    }

    @Test
    void results_of_an_unfinished_job_are_a_409_and_unknown_jobs_a_404() throws Exception {
        try (TestGateway gw = TestGateway.start(config(""))) {
            JsonNode job = TestGateway.json(gw.post("/tokenwise/batches",
                    "{\"requests\":[{\"body\":{\"model\":\"slow-mock\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}]}"));
            HttpResponse<String> early = gw.get("/tokenwise/batches/" + job.path("id").asText() + "/results");
            assertThat(early.statusCode()).isEqualTo(409);
            assertThat(TestGateway.json(early).at("/error/code").asText()).isEqualTo("batch_not_ready");
            assertThat(waitDone(gw, job.path("id").asText()).path("status").asText()).isEqualTo("completed");
            HttpResponse<String> missing = gw.get("/tokenwise/batches/batch_nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(TestGateway.json(missing).at("/error/message").asText()).contains("batch_nope");
        }
    }

    @Test
    void invalid_submissions_are_400s_naming_the_field() {
        try (TestGateway gw = TestGateway.start(config(""))) {
            HttpResponse<String> empty = gw.post("/tokenwise/batches", "{\"requests\":[]}");
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(TestGateway.json(empty).at("/error/param").asText()).isEqualTo("requests");
            HttpResponse<String> bad = gw.post("/tokenwise/batches", "{\"requests\":[{\"body\":{\"model\":\"gpt-4o\"}}]}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(TestGateway.json(bad).at("/error/param").asText()).isEqualTo("requests[0].body.messages");
            HttpResponse<String> stream = gw.post("/tokenwise/batches",
                    "{\"requests\":[{\"body\":{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}]}");
            assertThat(TestGateway.json(stream).at("/error/param").asText()).isEqualTo("requests[0].body.stream");
            HttpResponse<String> unknown = gw.post("/tokenwise/batches",
                    "{\"requests\":[{\"body\":{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}]}");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(gw.post("/tokenwise/batches", "not json").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void a_deferrable_chat_completion_without_a_waiting_route_points_to_the_job_api() {
        try (TestGateway gw = TestGateway.start(config(""))) {
            HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "later is fine", false),
                    Map.of("x-tokenwise-deferrable", "true"));
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode e = TestGateway.json(r).path("error");
            assertThat(e.path("code").asText()).isEqualTo("deferrable_request");
            assertThat(e.path("message").asText()).contains("POST /v1/tokenwise/batches");
            assertThat(gw.post("/chat/completions", TestGateway.chat("gpt-4o", "now", false)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_waiting_route_answers_deferrable_requests_through_a_batch_of_one() {
        String yaml = "context:\n  routes:\n    - feature: nightly\n      batch: {deferrable: true, wait_for_result: true, poll_interval_ms: 10}\n";
        try (TestGateway gw = TestGateway.start(config(yaml))) {
            Map<String, String> h = Map.of("x-tokenwise-feature", "nightly");
            HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "summarise the day", false), h);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(TestGateway.json(r).at("/choices/0/message/content").asText()).contains("summarise the day");
            HttpResponse<String> s = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "summarise the day", true), h);
            assertThat(s.statusCode()).isEqualTo(200);
            assertThat(s.body()).contains("data: ").contains("summarise").endsWith("data: [DONE]\n\n");
            HttpResponse<String> optOut = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "now please", false),
                    Map.of("x-tokenwise-feature", "nightly", "x-tokenwise-deferrable", "false"));
            assertThat(optOut.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void the_pipeline_reply_of_a_batched_request_carries_the_discount_and_the_batch_strategy() {
        String yaml = "context:\n  routes:\n    - model: gpt-4o\n      batch: {wait_for_result: true, poll_interval_ms: 10}\n";
        try (TestGateway gw = TestGateway.start(config(yaml))) {
            var ex = dev.tokenwise.gateway.pipeline.Exchange.create("r1", java.time.Instant.now(), 0,
                    dev.tokenwise.core.wire.ChatRequest.parse(TestGateway.chat("gpt-4o", "hello", false).getBytes()),
                    Map.of("x-tokenwise-deferrable", "true"), null);
            var reply = gw.gateway().pipeline().execute(ex);
            assertThat(reply.calls()).singleElement().satisfies(c -> assertThat(c.discount()).isEqualTo(0.5));
            assertThat(reply.applied()).extracting(a -> a.strategy()).containsExactly("batch");
        }
    }
}
