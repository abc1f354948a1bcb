package dev.tokenwise.gateway.provider.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.testing.SharedData;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayProviderTest {
    static final String GSM8K = "data/routing/gsm8k/gsm8k_dev.csv";
    static final String PROMPT = "James decides to run 3 sprints 3 times a week.  He runs 60 meters each sprint.  How many total meters does he run a week?";

    static ModelConfig replay(String file, String column) {
        return new ModelConfig("replay", "gpt-4-1106-preview", null, null, "large", null, null,
                new ModelConfig.ReplayConfig(file, column));
    }

    @Test
    void a_recorded_prompt_gets_the_recorded_answer_with_counted_usage(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("r.csv");
        Files.writeString(csv, "prompt,m_response,other_response\n\"What is 2+2?\",\"It is 4.\nDone.\",nope\n");
        ReplayProvider p = new ReplayProvider(InstantSource.system());
        ChatResponse r = p.complete(ChatRequest.parse(TestGateway.chat("x", "  What   is 2+2? ", false).getBytes()),
                replay(csv.toString(), "m"));
        assertThat(r.text()).isEqualTo("It is 4.\nDone.");
        TokenCounter c = TokenCounter.forModel("gpt-4-1106-preview");
        assertThat(r.usage().completionTokens()).isEqualTo(c.count("It is 4.\nDone."));
        assertThat(r.usage().promptTokens()).isPositive();
    }

    @Test
    void a_directory_of_recordings_answers_from_every_csv_in_it(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mmlu_a.csv"), "prompt,m,n\n\"Q1?\nA. x\nAnswer:\",True,False\n");
        Files.writeString(dir.resolve("mmlu_b.csv"), "prompt,m,n\n\"Q2?\",False,True\n");
        Files.writeString(dir.resolve("notes.txt"), "not a recording");
        ReplayProvider p = new ReplayProvider(InstantSource.system());
        ModelConfig m = replay(dir.toString(), "m");
        assertThat(p.complete(ChatRequest.parse(TestGateway.chat("x", "Q1? A. x Answer:", false).getBytes()), m).text()).isEqualTo("True");
        assertThat(p.complete(ChatRequest.parse(TestGateway.chat("x", "Q2?", false).getBytes()), m).text()).isEqualTo("False");
        assertThat(RecordedAnswers.problem(dir, "missing")).contains("column 'missing' is not in");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThat(RecordedAnswers.problem(empty, "m")).contains("has no .csv files");
    }

    @Test
    void a_prompt_not_in_the_recording_is_a_clear_404() {
        ReplayProvider p = new ReplayProvider(InstantSource.system());
        ModelConfig m = replay(SharedData.file(GSM8K).toString(), "gpt-4-1106-preview");
        assertThatThrownBy(() -> p.complete(ChatRequest.parse(TestGateway.chat("x", "What is the capital of France?", false).getBytes()), m))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("prompt_not_recorded");
                    assertThat(e.getMessage()).contains("not in the recording gsm8k_dev.csv").contains("capital of France");
                });
    }

    @Test
    void the_gsm8k_recording_answers_through_the_gateway_streaming_and_not() {
        GatewayConfig cfg = new GatewayConfig(null, Map.of(
                "gpt-4", replay(SharedData.file(GSM8K).toString(), "gpt-4-1106-preview"),
                "mixtral", replay(SharedData.file(GSM8K).toString(), "mistralai/Mixtral-8x7B-Instruct-v0.1_response")));
        try (TestGateway gw = TestGateway.start(cfg)) {
            HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4", PROMPT.replace("  ", " "), false));
            assertThat(r.statusCode()).isEqualTo(200);
            String answer = TestGateway.json(r).path("choices").path(0).path("message").path("content").asText();
            assertThat(answer).startsWith("James runs 3 sprints each time");
            String mixtral = TestGateway.json(gw.post("/chat/completions", TestGateway.chat("mixtral", PROMPT, false)))
                    .path("choices").path(0).path("message").path("content").asText();
            assertThat(mixtral).contains("#### 540");

            HttpResponse<String> s = gw.post("/chat/completions", TestGateway.chat("gpt-4", PROMPT, true));
            StringBuilder text = new StringBuilder();
            for (String block : s.body().split("\n\n")) {
                if (block.isBlank() || block.equals("data: [DONE]")) continue;
                JsonNode c = Json.parse(block.substring(6));
                text.append(c.path("choices").path(0).path("delta").path("content").asText(""));
            }
            assertThat(text.toString()).isEqualTo(answer);
            assertThat(s.body()).endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void a_model_name_resolves_to_its_response_column() {
        RecordedAnswers a = RecordedAnswers.load(SharedData.file(GSM8K), "gpt-4-1106-preview");
        assertThat(a.column()).isEqualTo("gpt-4-1106-preview_response");
        assertThat(a.size()).isGreaterThan(500);
    }
}
