package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.mock.MockProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/** The OpenAI Batch and Anthropic Message Batches adapters against a scripted upstream. */
class RemoteBatchBackendTest {
    private static final Principal OWNER = new Principal("key-1", "reviews-app", "t1");

    private MockWebServer server;
    private BatchService service;
    private final List<String> listened = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        String base = server.url("/v1").toString();
        models.put("gpt-4o-mini", new ModelConfig("openai", "gpt-4o-mini-2024-07-18", base, "OPENAI_KEY", "small", null));
        models.put("claude-3-haiku", new ModelConfig("anthropic", "claude-3-haiku-20240307", base, "ANTHROPIC_KEY", "small", null));
        MockProvider unused = new MockProvider(StageHarness.CLOCK);
        ModelRegistry registry = new ModelRegistry(models, Map.of("openai", unused, "anthropic", unused));
        BatchHttp http = new BatchHttp(new OkHttpClient(), Map.of("OPENAI_KEY", "sk-test", "ANTHROPIC_KEY", "ak-test")::get);
        service = new BatchService(registry, Map.of("openai", new OpenAiBatchBackend(http),
                "anthropic", new AnthropicBatchBackend(http, StageHarness.CLOCK)), new LocalBatchBackend(), StageHarness.CLOCK,
                (job, tenant, feature, id, req, reply) -> listened.add(id + ":" + reply.calls().get(0).discount()));
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        server.shutdown();
    }

    private static ChatRequest ask(String model, String text) {
        return StageHarness.request(model, List.of(Message.of("system", "Classify sentiment."), Message.of("user", text))).withMaxTokens(5);
    }

    private static MockResponse json(String body) {
        return new MockResponse().setHeader("content-type", "application/json").setBody(body);
    }

    private RecordedRequest take() throws InterruptedException {
        return server.takeRequest(5, TimeUnit.SECONDS);
    }

    /**
     * Scripts an OpenAI batch: file upload, creation, one in-progress poll, then completed (seen by
     * the poll and again by the results read) and an output file answering request "a" with
     * "positive" for 20 prompt tokens and 1 completion token.
     */
    private void scriptOpenAiBatch(String batchId, String extraBatchFields, String extraUsageFields) {
        server.enqueue(json("{\"id\":\"file-in\",\"object\":\"file\"}"));
        server.enqueue(json("{\"id\":\"" + batchId + "\",\"object\":\"batch\",\"status\":\"validating\"}"));
        server.enqueue(json("{\"id\":\"" + batchId + "\",\"status\":\"in_progress\"}"));
        String done = "{\"id\":\"" + batchId + "\",\"status\":\"completed\",\"output_file_id\":\"file-out\"" + extraBatchFields + "}";
        server.enqueue(json(done));
        server.enqueue(json(done));
        server.enqueue(new MockResponse().setBody("{\"id\":\"r1\",\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"request_id\":\"q\",\"body\":"
                + "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"positive\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":1,\"total_tokens\":21" + extraUsageFields + "}}},\"error\":null}\n"));
    }

    @Test
    void openai_jobs_upload_a_jsonl_file_create_a_batch_and_read_output_and_error_files() throws Exception {
        scriptOpenAiBatch("batch_abc", ",\"error_file_id\":\"file-err\"", ",\"prompt_tokens_details\":{\"cached_tokens\":16}");
        server.enqueue(new MockResponse().setBody("{\"id\":\"r2\",\"custom_id\":\"b\",\"response\":{\"status_code\":400,\"body\":"
                + "{\"error\":{\"message\":\"bad request\"}}},\"error\":null}\n"));

        String job = service.submit(new LinkedHashMap<>(Map.of("a", ask("gpt-4o-mini", "I love it"))) {{ put("b", ask("gpt-4o-mini", "meh")); }}, OWNER, "reviews");
        RecordedRequest upload = take();
        assertThat(upload.getPath()).isEqualTo("/v1/files");
        assertThat(upload.getHeader("Authorization")).isEqualTo("Bearer sk-test");
        String multipart = upload.getBody().readUtf8();
        assertThat(multipart).contains("name=\"purpose\"", "batch", "filename=\"tokenwise-batch.jsonl\"");
        String firstLine = multipart.lines().filter(l -> l.startsWith("{\"custom_id\":\"a\"")).findFirst().orElseThrow();
        JsonNode line = Json.parse(firstLine);
        assertThat(line.path("method").asText()).isEqualTo("POST");
        assertThat(line.path("url").asText()).isEqualTo("/v1/chat/completions");
        assertThat(line.at("/body/model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        RecordedRequest create = take();
        assertThat(create.getPath()).isEqualTo("/v1/batches");
        JsonNode createBody = Json.parse(create.getBody().readUtf8());
        assertThat(createBody.path("input_file_id").asText()).isEqualTo("file-in");
        assertThat(createBody.path("endpoint").asText()).isEqualTo("/v1/chat/completions");
        assertThat(createBody.path("completion_window").asText()).isEqualTo("24h");

        assertThat(service.done(job, "t1")).isFalse();
        assertThat(take().getPath()).isEqualTo("/v1/batches/batch_abc");
        assertThat(service.done(job, "t1")).isTrue();
        List<BatchService.Result> results = service.results(job, "t1");
        assertThat(results).extracting(BatchService.Result::customId).containsExactly("a", "b");
        assertThat(results.get(0).reply().response().text()).isEqualTo("positive");
        assertThat(results.get(0).reply().response().model()).isEqualTo("gpt-4o-mini");
        assertThat(results.get(0).reply().calls().get(0).usage().promptTokens()).isEqualTo(20);
        assertThat(results.get(0).reply().calls().get(0).discount()).isEqualTo(0.5);
        // OpenAI's cached_tokens flow into the usage and are priced at the cached-input price, then halved
        var usage = results.get(0).reply().calls().get(0).usage();
        assertThat(usage.cachedTokens()).isEqualTo(16);
        assertThat(dev.tokenwise.core.pricing.PriceCatalog.bundled().cost("gpt-4o-mini", usage, 0.5))
                .isEqualByComparingTo("0.0000012"); // (4 x 0.15 + 16 x 0.075 + 1 x 0.60) / 1M x 0.5
        assertThat(results.get(1).error().getMessage()).isEqualTo("bad request");
        assertThat(listened).containsExactly("a:0.5");
        List<String> paths = List.of(take().getPath(), take().getPath(), take().getPath(), take().getPath());
        assertThat(paths).containsExactly("/v1/batches/batch_abc", "/v1/batches/batch_abc", "/v1/files/file-out/content", "/v1/files/file-err/content");
        assertThat(service.status(job, "t1").path("status").asText()).isEqualTo("completed");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.status(job, "other-tenant"))
                .hasMessageContaining("No batch with id");
    }

    @Test
    void a_job_nobody_reads_is_finished_and_recorded_by_the_background_poll() throws Exception {
        scriptOpenAiBatch("batch_bg", "", "");

        String job = service.submit(new LinkedHashMap<>(Map.of("a", ask("gpt-4o-mini", "I love it"))), OWNER, "reviews");
        assertThat(service.pollUnfinished()).as("still in progress at the provider").isZero();
        assertThat(listened).isEmpty();
        // nobody asks for the status or the results: the poll alone finishes and records the job
        assertThat(service.pollUnfinished()).isEqualTo(1);
        assertThat(listened).containsExactly("a:0.5");
        int calls = server.getRequestCount();
        assertThat(service.pollUnfinished()).as("a finished job is not polled again").isZero();
        assertThat(server.getRequestCount()).isEqualTo(calls);
        assertThat(service.status(job, "t1").path("status").asText()).isEqualTo("completed");
        assertThat(listened).as("recorded once").hasSize(1);
    }

    @Test
    void a_provider_that_fails_to_answer_a_background_poll_is_tried_again_later() throws Exception {
        server.enqueue(json("{\"id\":\"file-in\",\"object\":\"file\"}"));
        server.enqueue(json("{\"id\":\"batch_err\",\"object\":\"batch\",\"status\":\"validating\"}"));
        server.enqueue(new MockResponse().setResponseCode(500).setBody("{\"error\":{\"message\":\"upstream down\"}}"));
        server.enqueue(json("{\"id\":\"batch_err\",\"status\":\"in_progress\"}"));
        String job = service.submit(new LinkedHashMap<>(Map.of("a", ask("gpt-4o-mini", "meh"))), OWNER, "reviews");
        assertThat(service.pollUnfinished()).isZero();
        assertThat(service.pollUnfinished()).isZero();
        assertThat(server.getRequestCount()).as("the failed poll was repeated").isEqualTo(4);
        server.enqueue(json("{\"id\":\"batch_err\",\"status\":\"in_progress\"}"));
        assertThat(service.status(job, "t1").path("status").asText()).isEqualTo("in_progress");
    }

    @Test
    void anthropic_jobs_use_message_batches_and_map_usage_with_cache_reads_and_writes() throws Exception {
        server.enqueue(json("{\"id\":\"msgbatch_1\",\"type\":\"message_batch\",\"processing_status\":\"in_progress\"}"));
        String ended = "{\"id\":\"msgbatch_1\",\"type\":\"message_batch\",\"processing_status\":\"ended\",\"results_url\":\""
                + server.url("/v1/messages/batches/msgbatch_1/results") + "\"}";
        server.enqueue(json(ended));
        server.enqueue(json(ended));
        server.enqueue(new MockResponse().setBody(
                "{\"custom_id\":\"x\",\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"negative\"}],\"stop_reason\":\"max_tokens\","
                        + "\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":100,\"cache_creation_input_tokens\":5,\"output_tokens\":2}}}}\n"
                        + "{\"custom_id\":\"y\",\"result\":{\"type\":\"errored\",\"error\":{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"too long\"}}}}\n"));

        Map<String, ChatRequest> items = new LinkedHashMap<>();
        items.put("x", ask("claude-3-haiku", "Awful"));
        items.put("y", ask("claude-3-haiku", "Too long"));
        String job = service.submit(items, OWNER, "reviews");
        RecordedRequest create = take();
        assertThat(create.getPath()).isEqualTo("/v1/messages/batches");
        assertThat(create.getHeader("x-api-key")).isEqualTo("ak-test");
        assertThat(create.getHeader("anthropic-version")).isEqualTo("2023-06-01");
        JsonNode body = Json.parse(create.getBody().readUtf8());
        JsonNode params = body.at("/requests/0/params");
        assertThat(body.at("/requests/0/custom_id").asText()).isEqualTo("x");
        assertThat(params.path("model").asText()).isEqualTo("claude-3-haiku-20240307");
        assertThat(params.path("max_tokens").asInt()).isEqualTo(5);
        assertThat(params.at("/system/0/text").asText()).isEqualTo("Classify sentiment.");
        assertThat(params.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(params.at("/messages/0/content/0/text").asText()).isEqualTo("Awful");

        assertThat(service.done(job, "t1")).isTrue();
        List<BatchService.Result> results = service.results(job, "t1");
        var reply = results.get(0).reply();
        assertThat(reply.response().text()).isEqualTo("negative");
        assertThat(reply.response().finishReason()).isEqualTo("length");
        var usage = reply.calls().get(0).usage();
        assertThat(usage.promptTokens()).isEqualTo(115);
        assertThat(usage.cachedTokens()).isEqualTo(100);
        assertThat(usage.cacheWriteTokens()).isEqualTo(5);
        assertThat(usage.completionTokens()).isEqualTo(2);
        assertThat(reply.calls().get(0).discount()).isEqualTo(0.5);
        assertThat(results.get(1).error().getMessage()).isEqualTo("too long");
    }

    @Test
    void a_provider_batch_still_running_at_a_restart_is_polled_again_by_the_next_process(@TempDir Path dir) throws Exception {
        org.sqlite.SQLiteDataSource db = new org.sqlite.SQLiteDataSource();
        db.setUrl("jdbc:sqlite:" + dir.resolve("keys.db"));
        server.enqueue(json("{\"id\":\"msgbatch_7\",\"type\":\"message_batch\",\"processing_status\":\"in_progress\"}"));
        String job;
        try (BatchService before = journaled(db, new java.util.ArrayList<>())) {
            job = before.submit(Map.of("x", ask("claude-3-haiku", "Awful")), OWNER, "reviews");
            assertThat(take().getPath()).isEqualTo("/v1/messages/batches");
        }

        String ended = "{\"id\":\"msgbatch_7\",\"type\":\"message_batch\",\"processing_status\":\"ended\",\"results_url\":\""
                + server.url("/v1/messages/batches/msgbatch_7/results") + "\"}";
        server.enqueue(json(ended));
        server.enqueue(json(ended));
        server.enqueue(new MockResponse().setBody("{\"custom_id\":\"x\",\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":\"msg_1\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"negative\"}],"
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}}\n"));
        List<String> heard = new java.util.ArrayList<>();
        try (BatchService after = journaled(db, heard)) {
            assertThat(after.list("t1", 10)).extracting(n -> n.path("id").asText()).containsExactly(job);
            assertThat(after.done(job, "t1")).isTrue();
            assertThat(take().getPath()).isEqualTo("/v1/messages/batches/msgbatch_7");
            assertThat(after.results(job, "t1").get(0).reply().response().text()).isEqualTo("negative");
            assertThat(heard).containsExactly("x");
        }
        // and the finished job is served from the journal by a third process without asking the provider
        try (BatchService third = journaled(db, heard)) {
            assertThat(third.results(job, "t1").get(0).reply().response().text()).isEqualTo("negative");
            assertThat(third.results(job, "t1").get(0).reply().calls().get(0).discount()).isEqualTo(0.5);
            assertThat(heard).containsExactly("x");
        }
    }

    private BatchService journaled(javax.sql.DataSource db, List<String> heard) {
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        String base = server.url("/v1").toString();
        models.put("claude-3-haiku", new ModelConfig("anthropic", "claude-3-haiku-20240307", base, "ANTHROPIC_KEY", "small", null));
        MockProvider unused = new MockProvider(StageHarness.CLOCK);
        ModelRegistry registry = new ModelRegistry(models, Map.of("anthropic", unused));
        BatchHttp http = new BatchHttp(new OkHttpClient(), Map.of("ANTHROPIC_KEY", "ak-test")::get);
        return new BatchService(registry, Map.of("anthropic", new AnthropicBatchBackend(http, StageHarness.CLOCK)),
                new LocalBatchBackend(), StageHarness.CLOCK, (j, owner, feature, id, req, reply) -> heard.add(id), null,
                new JdbcBatchJournal(db, "node-a"));
    }

    @Test
    void an_upstream_failure_on_submit_is_a_gateway_error_naming_the_provider() {
        server.enqueue(new MockResponse().setResponseCode(401).setBody("{\"error\":{\"message\":\"invalid api key\"}}"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.submit(Map.of("a", ask("gpt-4o-mini", "x")), OWNER, null))
                .isInstanceOf(dev.tokenwise.core.error.GatewayException.class)
                .hasMessageContaining("openai batch API answered 401")
                .hasMessageContaining("invalid api key");
    }
}
